// The portal listens to the widgets' DOM events; none carries a secret.
const log = document.getElementById('event-log');
for (const name of ['lab-login:signed-in', 'lab-login:signed-out', 'lab-login:error']) {
  document.addEventListener(name, (event) => {
    const item = document.createElement('li');
    item.textContent = `${event.target.id || event.target.localName}: ${name} ${JSON.stringify(event.detail)}`;
    log.prepend(item);
  });
}
