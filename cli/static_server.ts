/**
 * Serves the project's files over HTTP on 127.0.0.1 with a TypeScript MIME type for `.ts`, as a
 * static host of the library would, so scripts and tests can import `mod.ts` by URL.
 *
 * @module
 */

const MIME: Record<string, string> = {
  ".ts": "application/typescript; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
};

/** A running static server. */
export interface StaticServer {
  /** The base URL, ending in a slash. */
  readonly url: string;
  /** The port. */
  readonly port: number;
  /** The paths requested so far, in order. */
  readonly requested: readonly string[];
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Serves the directory `root` (a file URL ending in a slash) on `port` (default: an ephemeral
 * port chosen by the system).
 */
export function serveDirectory(root: URL, port = 0): StaticServer {
  const requested: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port, onListen: () => {} },
    async (request) => {
      const path = decodeURIComponent(new URL(request.url).pathname);
      requested.push(path);
      if (path.includes("..")) return new Response("forbidden", { status: 403 });
      const file = new URL(`.${path}`, root);
      try {
        const body = await Deno.readFile(file);
        const extension = path.slice(path.lastIndexOf("."));
        return new Response(body, {
          headers: { "content-type": MIME[extension] ?? "application/octet-stream" },
        });
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  const bound = server.addr.port;
  return {
    url: `http://127.0.0.1:${bound}/`,
    port: bound,
    requested,
    close: () => server.shutdown(),
  };
}

/** Runs `deno` (found on PATH) with the arguments and returns its exit code and output. */
export async function runDeno(
  args: string[],
  options: { cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command("deno", {
    args,
    cwd: options.cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}
