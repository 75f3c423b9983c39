// The connection arguments of the mariadb client and mariadb-dump, for one server on loopback.

export interface ClientLogin {
  readonly host: string;
  readonly port: number;
  /** Default root. */
  readonly user?: string;
  /** Default none (an empty password is left off: -p alone would prompt). */
  readonly password?: string;
}

/** -h -P --protocol=TCP -u [-p]: TCP even for localhost, so the port is what is used. */
export function mariadbLoginArgs(t: ClientLogin): string[] {
  const args = [`-h${t.host}`, `-P${t.port}`, '--protocol=TCP', `-u${t.user ?? 'root'}`];
  if (t.password !== undefined && t.password !== '') args.push(`-p${t.password}`);
  return args;
}
