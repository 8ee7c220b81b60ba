"""Readers for real datasets: human codes and judge outputs made elsewhere.

Human codes: FED, USR, DICES, SQuALITY, ABC-Eval, LLMBar gold labels, τ²-bench rewards. Judge outputs: ABC-Eval's
GPT labels, LLMBar's judges, τ²-bench's judge prompts, and a generic long table. Use them through
:func:`calibration.read_codes` and :func:`calibration.import_outputs`, which pick a reader by format name.
"""
