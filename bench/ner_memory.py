"""Peak memory of named-entity extraction on a file without line breaks (spaCy's memory grows with the text
it is given at once): prints the text's length, the mentions found, the time and the process's peak RSS,
beside the RSS once spaCy's French model is loaded.

    python bench/ner_memory.py [CHARACTERS]      # default 370,000 characters on one line
"""

from __future__ import annotations

import argparse
import resource
import time

from assistant.entities import DEFAULT_MODELS, extract_mentions, pipeline_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("characters", nargs="?", type=int, default=370_000, help="the line's length")
    length = parser.parse_args().characters
    pipeline_for("fr", DEFAULT_MODELS)
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # kilobytes on Linux -> GB
    sentence = ("Le président Emmanuel Macron a reçu le chancelier Olaf Scholz à Berlin mardi pour parler "
                "d'énergie. ")
    text = sentence * (length // len(sentence))
    started = time.perf_counter()
    mentions = extract_mentions(text, "fr")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"{len(text):,} characters on one line, {len(mentions):,} mentions, {time.perf_counter() - started:.1f} s, "
          f"peak RSS {peak:.2f} GB (spaCy's French model loaded: {loaded:.2f} GB)")


if __name__ == "__main__":
    main()
