"""The web app: ``build_app(assistant)`` gives the Gradio page, ``main()`` serves it (``python app.py``)."""

from .app import build_app, launch_options, main, serve, start, warm_up
from .panels import UI, Conversation, Panel

__all__ = ["UI", "Conversation", "Panel", "build_app", "launch_options", "main", "serve", "start", "warm_up"]
