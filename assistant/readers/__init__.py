"""The readers of each file format: a file's bytes to its article's text, title, date and author.

``loaders.py`` finds the files and hands each to the reader of its type:

- ``web_page.py``: a saved .html page (trafilatura), ``saved_pages.py``: .mhtml and Safari's .webarchive;
- ``pdf.py``: a PDF; ``markdown.py``: a Markdown file; ``text.py``: any text's bytes decoded, and plain text;
- ``office.py``: Word (.docx, .doc), OpenDocument (.odt), Rich Text (.rtf);
- ``mail.py``: e-mails (.eml, Outlook's .msg and winmail.dat), their attachments read by the readers above;
- ``head.py``: what the first lines of any of them say (title, date, byline);
- ``failures.py``: how a reader says a file cannot be read, or that part of it is left out.
"""
