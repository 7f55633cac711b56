"""Serve the generated dbt docs site on 127.0.0.1 and print its address (`make docs`).

    .venv/bin/python scripts/serve_docs.py [--target-dir target] [--port 8080]

Serves the folder that `dbt docs generate` wrote (static_index.html, index.html, manifest,
catalog, assets/). --port 0 picks a free port. Stop with Ctrl-C.
"""

from __future__ import annotations

import argparse
import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
        pass


def make_server(target_dir: Path, host: str, port: int) -> ThreadingHTTPServer:
    handler = functools.partial(QuietHandler, directory=str(target_dir))
    return ThreadingHTTPServer((host, port), handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target-dir", type=Path, default=Path("target"))
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    args = parser.parse_args(argv)
    page = next(
        (name for name in ("static_index.html", "index.html") if (args.target_dir / name).exists()),
        None,
    )
    if page is None:
        print(
            f"serve_docs: no docs site in {args.target_dir}: run `make run` "
            "(or `dbt docs generate --static`) first",
            file=sys.stderr,
        )
        return 2
    try:
        server = make_server(args.target_dir, args.host, args.port)
    except OSError as exc:
        print(f"serve_docs: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    host, port = server.server_address[:2]
    print(f"Docs site: http://{host}:{port}/{page}   (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
