// Placeholder until its issue lands: the command exists so the CLI surface is final.
export async function run(_args: string[]): Promise<number> {
  console.error('nauthera diagrams: not implemented yet');
  return 1;
}
