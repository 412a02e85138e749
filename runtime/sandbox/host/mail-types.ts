// The user's mail account as the host receives it (config.yaml `mail:` → SandboxJob.mail).
// Plain data: it crosses into the sandbox worker by structured clone, but never into QuickJS.

export interface MailServer {
  host: string;
  port: number;
  /** true: TLS from the first byte (993/465); false: plain, upgraded with STARTTLS when offered. */
  secure: boolean;
  user?: string;
  password?: string;
}

export interface MailAccount {
  imap?: MailServer;
  /** `from` is the address mail is sent as; the skill cannot choose another. */
  smtp?: MailServer & { from?: string };
}
