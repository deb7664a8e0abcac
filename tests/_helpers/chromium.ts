/**
 * Drives headless Chromium through the DevTools protocol: open a page, evaluate an expression,
 * take a screenshot. Chromium comes from Debian's `chromium` package (`.ci/run` installs it).
 */

/** The flags the browser starts with (no sandbox as root, no background traffic). */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The browser's executable name, if it is on PATH. */
export async function findChromium(): Promise<string | undefined> {
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    try {
      const result = await new Deno.Command(name, {
        args: ["--version"],
        stdout: "null",
        stderr: "null",
      })
        .output();
      if (result.success) return name;
    } catch {
      // not installed, or not allowed to run
    }
  }
  return undefined;
}

/** An open page. */
export interface Page {
  /** Evaluates a JavaScript expression in the page and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG screenshot of the whole page. */
  screenshot(): Promise<Uint8Array>;
  /** Closes the browser. */
  close(): Promise<void>;
}

/** Starts Chromium with a fresh profile under `profileDir` and opens `url`. */
export async function openPage(
  executable: string,
  url: string,
  profileDir: string,
  viewport = { width: 1200, height: 900 },
): Promise<Page> {
  const child = new Deno.Command(executable, {
    args: [
      ...CHROMIUM_FLAGS,
      `--user-data-dir=${profileDir}`,
      "--remote-debugging-port=0",
      `--window-size=${viewport.width},${viewport.height}`,
      "about:blank",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();

  // Chromium prints "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID".
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let browserUrl: string | undefined;
  const deadline = Date.now() + 30_000;
  while (!browserUrl && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
    browserUrl = buffered.match(/DevTools listening on (ws:\/\/\S+)/)?.[1];
  }
  // Keep draining stderr so the browser never blocks on a full pipe.
  (async () => {
    try {
      while (!(await reader.read()).done) { /* drain */ }
    } catch { /* closed */ }
  })();
  if (!browserUrl) {
    child.kill();
    throw new Error(`Chromium did not start:\n${buffered}`);
  }
  const port = new URL(browserUrl).port;
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as {
    type: string;
    webSocketDebuggerUrl: string;
  }[];
  const pageTarget = targets.find((t) => t.type === "page");
  if (!pageTarget) throw new Error("Chromium has no page target");

  const socket = new WebSocket(pageTarget.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const events: { method: string; params: unknown }[] = [];
  socket.onmessage = (message) => {
    const data = JSON.parse(message.data as string);
    if (data.id !== undefined) {
      const waiter = pending.get(data.id);
      pending.delete(data.id);
      if (data.error) waiter?.reject(new Error(JSON.stringify(data.error)));
      else waiter?.resolve(data.result);
    } else events.push(data);
  };
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: (v) => resolve(v as Record<string, unknown>), reject });
      socket.send(JSON.stringify({ id, method, params }));
    });

  await send("Page.enable");
  await send("Page.navigate", { url });
  while (!events.some((e) => e.method === "Page.loadEventFired")) {
    if (Date.now() > deadline) throw new Error(`page ${url} did not load`);
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    async evaluate<T>(expression: string): Promise<T> {
      const result = await send("Runtime.evaluate", { expression, returnByValue: true });
      if (result.exceptionDetails) throw new Error(JSON.stringify(result.exceptionDetails));
      return (result.result as { value: T }).value;
    },
    async screenshot(): Promise<Uint8Array> {
      const { data } = await send("Page.captureScreenshot", {
        format: "png",
        captureBeyondViewport: true,
      });
      return Uint8Array.from(atob(data as string), (c) => c.charCodeAt(0));
    },
    async close() {
      socket.close();
      child.kill();
      await child.status;
    },
  };
}
