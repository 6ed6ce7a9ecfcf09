"""The web chat: ``python app.py`` serves it on ASSISTANT_HOST:ASSISTANT_PORT (127.0.0.1:7860)."""

from __future__ import annotations

import html

import gradio as gr

from assistant import Assistant, QuestionError
from assistant.types import Answer


def sources_html(answer: Answer) -> str:
    if not answer.citations:
        return "<p><em>No passage cited.</em></p>"
    items = []
    for c in answer.citations:
        before = c.passage[: c.start - c.passage_start]
        after = c.passage[c.end - c.passage_start :]
        items.append(
            f"<div class='source' id='source-{c.marker}'><b>[{c.marker}]</b> {html.escape(c.title)} "
            f"<small>{html.escape(c.source)} · score {c.score:.3f}</small>"
            f"<p>{html.escape(before)}<mark>{html.escape(c.quote)}</mark>{html.escape(after)}</p></div>"
        )
    return "\n".join(items)


def build_app(assistant: Assistant) -> gr.Blocks:
    with gr.Blocks(title="News assistant") as demo:
        gr.Markdown("# News assistant\nAnswers from your articles only, with the passages it relied on.")
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label="Conversation", height=480)
                question = gr.Textbox(label="Question", placeholder="What weapons were mentioned?")
                gr.Examples(["What weapons were mentioned?", "Quelles armes ont été mentionnées ?"], inputs=question)
            with gr.Column(scale=2):
                sources = gr.HTML(label="Sources")

        def respond(text: str, history: list):
            try:
                answer = assistant.ask(text)
            except QuestionError as error:
                raise gr.Error(str(error)) from error
            history = history + [{"role": "user", "content": text}, {"role": "assistant", "content": answer.text}]
            return "", history, sources_html(answer)

        question.submit(respond, [question, chatbot], [question, chatbot, sources])
    return demo


def main() -> None:
    assistant = Assistant()
    settings = assistant.settings
    auth = None
    if settings.auth_user and settings.auth_password:
        auth = (settings.auth_user, settings.auth_password.get_secret_value())
    build_app(assistant).queue().launch(server_name=settings.host, server_port=settings.port, auth=auth)


if __name__ == "__main__":
    main()
