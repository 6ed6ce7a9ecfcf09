"""What a page load of the web app sends the browser with a newsroom-sized library.

    python bench/library_payload.py                          # 2,500 tiny articles, MiniLM, index kept in /tmp
    python bench/library_payload.py --articles 500 --index /tmp/lib-500

Indexes ``--articles`` one-passage articles (each names a person, a place and an organisation, so the
entities panel has thousands of names), serves the app in this process on a free loopback port, and opens it
in headless Chromium: prints the bytes of Gradio's ``/config`` (the page as built, with the components'
first values) and of the page load's event stream (``/queue/data``: the library tab and the panels brought
up to date), and their sum. The index is kept in ``--index`` and reused by a later run.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2500, help="articles in the library (default 2500)")
    parser.add_argument("--index", type=Path, default=None,
                        help="index folder, built if empty (default /tmp/library-payload-N)")
    parser.add_argument("--model", default="all-MiniLM-L6-v2", help="embedding model (default all-MiniLM-L6-v2)")
    args = parser.parse_args()

    from corpus import newsroom_library
    from playwright.sync_api import sync_playwright
    from servers import free_port
    from test_web import RECORD_STREAMS

    from assistant import Assistant
    from assistant.web import start

    index = args.index or Path(tempfile.gettempdir()) / f"library-payload-{args.articles}"
    work = Path(tempfile.mkdtemp(prefix="library-payload-"))
    port = free_port()
    assistant = Assistant(index, embedding_model=args.model, data_dir=work / "data", host="127.0.0.1", port=port)
    if assistant.stats()["articles"] < args.articles:
        print(f"indexing {args.articles} articles into {index}...", file=sys.stderr, flush=True)
        assistant.index(newsroom_library(index.parent / f"{index.name}-articles", args.articles), wait=True)
    stats = assistant.stats()
    people = len(assistant.entity_index.entities(kind="person", with_mentions=False))
    demo = start(assistant)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--headless", "--no-sandbox", "--disable-gpu"])
            context = browser.new_context()
            context.add_init_script(RECORD_STREAMS)
            page = context.new_page()
            url = f"http://127.0.0.1:{port}/"
            sizes = {"config": len(context.request.get(url + "config").body())}
            page.goto(url)
            page.wait_for_selector("#question textarea", timeout=120_000)
            # the page load's events (the library tab, the panels) have all come once the stream is quiet
            previous = -1
            while previous != (sent := page.evaluate("window.__sent.join('').length")):
                previous = sent
                page.wait_for_timeout(3_000)
            sizes["stream"] = len(page.evaluate("window.__sent.join('')").encode("utf-8"))
            browser.close()
    finally:
        demo.close()
        shutil.rmtree(work, ignore_errors=True)  # the app's data folder (uploads): the index is what is kept
    print(f"articles {stats['articles']}, people {people}")
    print(f"/config          {sizes['config']:>10,} bytes")
    print(f"load's stream    {sizes['stream']:>10,} bytes")
    print(f"total            {sizes['config'] + sizes['stream']:>10,} bytes")


if __name__ == "__main__":
    main()
