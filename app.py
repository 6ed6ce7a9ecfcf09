"""The web chat: ``python app.py`` serves it on ASSISTANT_HOST:ASSISTANT_PORT (127.0.0.1:7860 by default).

The page is built in ``assistant/web/``; this file only starts it.
"""

from assistant.web import main

if __name__ == "__main__":
    main()
