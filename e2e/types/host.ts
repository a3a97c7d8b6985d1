// A small host page script, compiled against the shipped lab-login.d.ts by `cargo xtask test` (tsc --noEmit).
// It must compile, and each line marked as an expected error must fail to.

import { mount, type HostSession, type LabLoginHandle } from '../../dist/lab-login.js';

const element = document.createElement('div');
document.body.append(element);

const handle: LabLoginHandle = mount(element, {
  providers: ['nomad', 'siminars'],
  config: { nomad: { url: '/proxy/nomad/api/v1' }, siminars: { url: 'https://s.example', apitoken: 2 } },
  theme: 'dark',
  lang: 'de',
  shadow: true,
  inspector: false,
  expiryWarning: 60,
  onSignedIn(session: HostSession) {
    const bearer: string = session.token;
    const until: number | null = session.expiresAt;
    console.log(session.provider, session.kind, session.user.name ?? session.user.email, bearer.length, until);
  },
});
handle.signOut('nomad');
handle.unmount();

element.addEventListener('lab-login:signed-in', (event) => {
  const { provider, restored } = event.detail;
  console.log(provider, restored);
});
element.addEventListener('lab-login:signed-out', (event) => console.log(event.detail.reason));
element.addEventListener('lab-login:error', (event) => console.log(event.detail.kind, event.detail.message));
document.querySelector('lab-login')?.setAttribute('providers', 'nomad');

// @ts-expect-error: not a provider
mount(element, { providers: ['github'] });
// @ts-expect-error: not a theme
mount(element, { theme: 'purple' });
// @ts-expect-error: the event detail carries no token
element.addEventListener('lab-login:signed-in', (event) => event.detail.token);
