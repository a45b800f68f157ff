"""Benchmark speech: lip-sync analysis time per second of audio, `animate --say`, and accuracy.

    .venv/bin/python benchmarks/speech.py [--repeats 5] [--no-animate]

1. Time per second of audio (median of --repeats) for: a typed line (espeak-ng
   + phoneme events + visemes), a recording with transcript (decode, normalise,
   pocketsphinx forced alignment), a recording without (audio-only estimate).
   Baseline, same process, same audio: decoding + trimming + loudness
   normalisation alone (what any clip with sound needs), so the ratio is the
   cost of lip sync itself.
2. The whole `keepsake animate --say` (a fresh process, like a guest's render)
   against `keepsake animate` of the same photo without speech.
3. Accuracy, with the project's lip-sync measure (mouth opening vs RMS envelope,
   best lag within ±5 frames): synthesised lines, aligned and estimated real
   voices, estimate-vs-aligned agreement, and alignment error against espeak-ng's
   own phoneme timings.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engine_edge.speech import (  # noqa: E402
    espeak,
    line_from_audio,
    synthesize_line,
)
from engine_edge.speech.align import align  # noqa: E402
from engine_edge.speech.audio import decode_audio, prepare_speech  # noqa: E402
from engine_edge.speech.envelope import rms_envelope, sync_score  # noqa: E402
from engine_edge.speech.settings import SpeechSettings  # noqa: E402
from engine_edge.speech.visemes import phone_from_ipa  # noqa: E402

SHARED_AUDIO = REPO.parent / "shared" / "data" / "audio"
LINES = (
    ("Happy birthday, Margaret! We all love you very much, and we miss you.", "en"),
    ("Thank you all for coming today. He would have loved to see you here.", "en"),
    ("Hello, my dear. Remember to water the roses.", "en-us"),
    ("Joyeux anniversaire, mamie. Nous t'aimons.", "fr"),
    ("Alles Gute zum Geburtstag, liebe Oma!", "de"),
)


def median_s(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def recordings(folder: Path) -> list[tuple[Path, str]]:
    """Real LibriVox readings with transcripts when present, else espeak-ng made into WAVs."""
    if SHARED_AUDIO.is_dir():
        return [
            (SHARED_AUDIO / f"librivox_{n}.wav", (SHARED_AUDIO / f"librivox_{n}.txt").read_text())
            for n in ("0880", "0890", "0920", "0930")
        ]
    made = []
    for i, (text, voice) in enumerate(LINES[:3]):
        synthesis = espeak.synthesize(text, voice=voice)
        path = write_wav(folder / f"line{i}.wav", synthesis.samples, synthesis.sample_rate)
        made.append((path, text))
    return made


def sync(line) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    mouth = line.mouth
    envelope = rms_envelope(line.audio, line.sample_rate, mouth.fps, mouth.frame_count)
    score = sync_score(mouth.jaw_open, envelope)
    return score.r, score.lag_frames


def bench_analysis(folder: Path, repeats: int) -> None:
    settings = SpeechSettings()
    audio = recordings(folder)
    seconds = sum(
        decode_audio(p, sample_rate=48000, max_decode_s=60).samples.shape[0] / 48000
        for p, _ in audio
    )

    def baseline() -> None:
        for path, _ in audio:
            decoded = decode_audio(path, sample_rate=48000, max_decode_s=60)
            prepare_speech(
                decoded.samples, 48000, target_lufs=-16.0, max_duration_s=15.0,
                lead_s=settings.lead_s, tail_s=settings.tail_s,
            )  # fmt: skip

    base_s = median_s(baseline, repeats) / seconds
    aligned_s = median_s(lambda: [line_from_audio(p, transcript=t) for p, t in audio], repeats)
    estimate_s = median_s(lambda: [line_from_audio(p) for p, _ in audio], repeats)
    typed_seconds = sum(synthesize_line(t, voice=v).duration_s for t, v in LINES)
    typed_s = median_s(lambda: [synthesize_line(t, voice=v) for t, v in LINES], repeats)
    print(f"== lip-sync analysis, per second of audio (median of {repeats})")
    print(f"  baseline decode+trim+normalise   {1000 * base_s:7.1f} ms/s   1.00x")
    for name, total_s, count_s in (
        ("typed line (espeak-ng, visemes)", typed_s, typed_seconds),
        ("recording + transcript (aligned)", aligned_s, seconds),
        ("recording, audio-only estimate", estimate_s, seconds),
    ):
        per_s = total_s / count_s
        print(f"  {name:32s} {1000 * per_s:7.1f} ms/s  {per_s / base_s:5.2f}x")
    print(f"  ({seconds:.1f} s of recordings, {typed_seconds:.1f} s of typed lines)")


def bench_animate(folder: Path, repeats: int) -> None:
    from PIL import Image
    from skimage import data

    photo = folder / "astronaut.png"
    Image.fromarray(data.astronaut()).save(photo)
    keepsake = [sys.executable, "-m", "engine_edge.cli", "animate", str(photo), "--quiet"]
    text = LINES[0][0]

    def run(extra: list[str]) -> None:
        subprocess.run(
            [*keepsake, "-o", str(folder / "out.mp4"), "--preset", "birthday", *extra],
            check=True, capture_output=True, cwd=REPO,
        )  # fmt: skip

    plain = median_s(lambda: run([]), repeats)
    spoken = median_s(lambda: run(["--say", text]), repeats)
    print(f"== keepsake animate (astronaut, birthday, 30 fps; median of {repeats} processes)")
    print(f"  without speech (baseline)         {plain:6.1f} s   1.00x")
    print(f"  --say '{text[:24]}...'  {spoken:6.1f} s   {spoken / plain:.2f}x")


def bench_accuracy(folder: Path) -> None:
    print("== accuracy: mouth opening vs RMS envelope (r at best lag, lag in frames, 25 fps)")
    for text, voice in LINES:
        r, lag = sync(synthesize_line(text, voice=voice))
        print(f"  typed  {voice:5s} r={r:.2f} lag={lag:+d}  {text[:40]}")
    agreement = []
    for path, transcript in recordings(folder):
        aligned = line_from_audio(path, transcript=transcript)
        estimated = line_from_audio(path)
        (ra, la), (re_, le) = sync(aligned), sync(estimated)
        agreement.append(np.corrcoef(aligned.mouth.jaw_open, estimated.mouth.jaw_open)[0, 1])
        print(
            f"  {path.stem:14s} aligned r={ra:.2f} lag={la:+d}   estimate r={re_:.2f} lag={le:+d}"
            f"   estimate~aligned jaw r={agreement[-1]:.2f}"
        )
    if SHARED_AUDIO.is_dir():
        r, lag = sync(line_from_audio(SHARED_AUDIO / "radio_34_002.wav"))
        print(f"  radio_34_002 (stereo, no transcript) estimate r={r:.2f} lag={lag:+d}")
    print(f"  audio-only estimate vs aligned mouth: mean r={np.mean(agreement):.2f}")
    errors = []
    for text, voice in LINES[:3]:
        synthesis = espeak.synthesize(text, voice=voice)
        events = synthesis.phonemes
        end_s = synthesis.samples.shape[0] / synthesis.sample_rate
        truth = [
            phone_from_ipa(
                e.start_s, events[i + 1].start_s if i + 1 < len(events) else end_s, e.ipa
            )
            for i, e in enumerate(events)
        ]
        found = align(synthesis.samples, synthesis.sample_rate, text).phones
        a = [p.start_s for p in truth if p.kind == "vowel"]
        b = [p.start_s for p in found if p.kind == "vowel"]
        if len(a) == len(b):
            errors.extend(np.abs(np.array(a) - np.array(b)))
    if errors:
        print(
            f"  alignment vs espeak-ng vowel onsets: median {1000 * np.median(errors):.0f} ms,"
            f" p90 {1000 * np.percentile(errors, 90):.0f} ms ({len(errors)} vowels)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--animate-repeats", type=int, default=2)
    parser.add_argument("--no-animate", action="store_true", help="skip the full animate runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_analysis(folder, args.repeats)
        if not args.no_animate:
            bench_animate(folder, args.animate_repeats)
        bench_accuracy(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
