/** Which files are dotenv files (discovery's .env readers, and how `scan --all-files` reads a file). */

/** `.env`, `.env.local`, `.env.production`, `prod.env`: dotenv files. */
export function isEnvFile(rel: string): boolean {
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  return name === '.env' || name.startsWith('.env.') || (name.endsWith('.env') && name.length > 4 && !name.includes(' '));
}
