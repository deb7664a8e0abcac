/**
 * Writing a report without ever leaving a half-written one. Every file of a run is first
 * written to `<out>/.staging/`; only when all of them exist is each moved into `<out>/` by a
 * rename, which replaces the old file atomically. A run interrupted before that point leaves the
 * previous report as it was (the stale staging folder is cleared by the next run).
 *
 * @module
 */

import { join } from "node:path";

/** The staging folder's name inside the output folder. */
export const STAGING = ".staging";

/**
 * Commits a set of files to `outDir`: stages them all, then renames them into place in the
 * given order (put the index last, so that it never links to files not yet in place).
 */
export async function commitFiles(
  outDir: string,
  files: ReadonlyArray<readonly [name: string, content: string]>,
): Promise<void> {
  await Deno.mkdir(outDir, { recursive: true });
  const staging = join(outDir, STAGING);
  await Deno.remove(staging, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  await Deno.mkdir(staging);
  for (const [name, content] of files) {
    if (name.includes("/") || name.includes("\\") || name.startsWith(".")) {
      throw new RangeError(`Cannot write the report: file name "${name}" is not a plain name`);
    }
    await Deno.writeTextFile(join(staging, name), content);
  }
  for (const [name] of files) await Deno.rename(join(staging, name), join(outDir, name));
  await Deno.remove(staging, { recursive: true });
}

/** Reads a text file, or returns undefined when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
