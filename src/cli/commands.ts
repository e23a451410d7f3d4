/** Further CLI commands (plan files, import, simulate), registered here. */
export interface CliCommand {
  name: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}


