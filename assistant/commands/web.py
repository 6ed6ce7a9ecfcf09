"""serve: the web app."""

from __future__ import annotations

import argparse

from ..cli import arg, command


@command("serve", "serve the web app (default http://127.0.0.1:7860; ASSISTANT_HOST / ASSISTANT_PORT)")
@arg("--host", help="address to listen on (default 127.0.0.1: this machine only)")
@arg("--port", type=int, help="port (default 7860)")
def serve(args: argparse.Namespace, assistant) -> int:
    from ..api import Assistant
    from ..web import serve as serve_app

    if args.host or args.port is not None:
        assistant = Assistant(settings=assistant.settings.with_overrides(host=args.host, port=args.port))
    serve_app(assistant)
    return 0
