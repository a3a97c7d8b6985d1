// Types of lab-login.js, the entry module of the lab-login bundle (hand-written;
// `cargo xtask test` compiles a small host against them with tsc --noEmit).

/** The providers the widget can offer. */
export type ProviderKey = 'nomad' | 'nemo' | 'siminars' | 'nebula';

/** How a session was obtained. */
export type SessionKind = 'password' | 'app-token' | 'personal-token' | 'api-key';

/** Who is signed in, as far as the provider said. Any field may be missing. */
export interface SessionUser {
  id?: string | null;
  name?: string | null;
  email?: string | null;
}

/**
 * What `onSignedIn` receives: the one way a host page gets a token, because it
 * asked for it in code. Never a password, Siminars digest, refresh or id token.
 * With `kind` `'api-key'` or `'personal-token'`, `token` is the long-lived key
 * or personal token the user pasted: the widget keeps it in memory only, and
 * so should the host.
 */
export interface HostSession {
  provider: ProviderKey;
  kind: SessionKind;
  token: string;
  /** Client time in ms since the epoch; `null` when the token does not expire. */
  expiresAt: number | null;
  user: SessionUser;
  /** True when the session was already there (restored after a reload, or signed in by another widget). */
  restored: boolean;
}

/** One endpoint, as in lab-login.json. Relative paths resolve against the page's URL at mount time. */
export interface EndpointConfig {
  url: string;
  /** The provider's own page for a forgotten password (https). */
  forgot_password_url?: string;
}

/** The shape of lab-login.json. A provider left out keeps its default; `null` turns it off. */
export interface LabLoginConfig {
  /** Your own wording of any message, per language. */
  messages?: Record<string, Record<string, string>>;
  nomad?: EndpointConfig | null;
  nemo?: EndpointConfig | null;
  siminars?: { url: string; apitoken: string | number; content_type?: string; forgot_password_url?: string } | null;
  nebula?: EndpointConfig | null;
  options?: {
    expiry_warning_secs?: number;
    request_timeout_secs?: number;
    allow_insecure_http?: boolean;
  };
}

export interface MountOptions {
  /** Which configured providers to offer, in that order. Defaults to all configured. */
  providers?: ProviderKey[] | string;
  /** Configuration in code, instead of the lab-login.json beside the bundle. */
  config?: LabLoginConfig;
  /** The language of the widget's text (`en`, `de`). Defaults to the page's `<html lang>`, else English. */
  lang?: string;
  /** Your own wording of any message, per language: `{ de: { 'form.submit': 'Anmelden: {provider}' } }`. */
  messages?: Record<string, Record<string, string>>;
  /** Defaults to `'auto'`, following the OS. */
  theme?: 'light' | 'dark' | 'auto';
  /** Mount inside an open shadow root. Fixed once mounted. Defaults to false. */
  shadow?: boolean;
  /**
   * The flow inspector, in the teaching bundle only (`dist-teaching/`): `false`
   * hides it. Defaults to true there; the embeddable bundle has none and ignores this.
   */
  inspector?: boolean;
  /** Seconds before expiry to warn. Defaults to the configuration's value. */
  expiryWarning?: number;
  /** Called on every sign-in, and for a session that already exists at mount. */
  onSignedIn?: (session: HostSession) => void;
}

export interface LabLoginHandle {
  /** Removes the widget, and stops its timers and requests. */
  unmount(): void;
  /** Signs `provider` out, as the widget's own button does. */
  signOut(provider: ProviderKey): void;
}

/** Mounts a widget into `element`. Before the bundle has started, it mounts as soon as it has. */
export function mount(element: HTMLElement, options?: MountOptions): LabLoginHandle;

/** Details of the DOM events (bubbling, composed) a widget dispatches from its element. */
export interface SignedInDetail {
  provider: ProviderKey;
  kind: SessionKind;
  expiresAt: number | null;
  user: SessionUser;
  restored: boolean;
}
export interface SignedOutDetail {
  provider: ProviderKey;
  reason: 'user' | 'expired' | 'rejected' | 'other-tab';
}
export interface ErrorDetail {
  provider: ProviderKey;
  kind:
    | 'wrong-credentials' | 'session-rejected' | 'missing-permission' | 'not-admitted'
    | 'rate-limited' | 'server-error' | 'refused'
    | 'unreachable' | 'timeout' | 'malformed-answer' | 'not-sent';
  /** The sentence the widget showed. */
  message: string;
}

declare global {
  interface HTMLElementEventMap {
    'lab-login:signed-in': CustomEvent<SignedInDetail>;
    'lab-login:signed-out': CustomEvent<SignedOutDetail>;
    'lab-login:error': CustomEvent<ErrorDetail>;
  }
  interface HTMLElementTagNameMap {
    'lab-login': HTMLElement;
  }
}
