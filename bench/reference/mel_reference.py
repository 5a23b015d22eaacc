#!/usr/bin/env python3
"""The PyTorch reference for bench_mel_throughput's CUDA rows: torchaudio's
MelSpectrogram at the paper's settings (48 kHz, n_fft 2048, hop 512, 96 mels)
followed by log(x + 1e-6), on 3.2 s snippets already on the GPU, in snippets
per second at the same batches as the C++ benchmark.

  python3 bench/reference/mel_reference.py --seconds 2

Prints one line a batch: "torchaudio mel B=<batch>: <snippets/s> snippets/s".
"""
import argparse
import time

import torch
import torchaudio

SAMPLES = 153600  # 3.2 s at 48 kHz


def rate(fn, batch, seconds):
    fn()  # warm-up: cuFFT plans, allocator
    torch.cuda.synchronize()
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds or calls < 3:
        fn()
        calls += 1
        if calls % 20 == 0:
            torch.cuda.synchronize()
    torch.cuda.synchronize()
    return calls * batch / (time.perf_counter() - start)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--batches", default="1,32,256")
    a = ap.parse_args()
    dev = torch.device("cuda")
    mel = torchaudio.transforms.MelSpectrogram(sample_rate=48000, n_fft=2048, hop_length=512, n_mels=96,
                                               norm="slaney", mel_scale="slaney").to(dev)
    for batch in (int(b) for b in a.batches.split(",")):
        pcm = torch.rand(batch, SAMPLES, device=dev) * 2 - 1
        with torch.no_grad():
            r = rate(lambda: torch.log(mel(pcm) + 1e-6), batch, a.seconds)
        print(f"torchaudio mel B={batch}: {r:.1f} snippets/s", flush=True)


if __name__ == "__main__":
    main()
