#!/usr/bin/env python3
"""The PyTorch reference for bench_train_step_throughput: the paper's model and
step in eager PyTorch, measured in clips per second on one GPU.

torchvision's r2plus1d_18 trunk (no classifier) and resnet18 with a one-channel
first convolution (no classifier), each with avflow's projection head (1x1
conv without bias, BatchNorm, ReLU, 1x1 conv into d, global average pooling),
the loss of Eq. 1 on raw dot products, Adam. Inputs: video 3 x 16 x 158 x 158,
audio 1 x 96 x 301, d = 512, as in the C++ benchmark's "paper size" rows.

  python3 bench/reference/train_step_reference.py --batch 64 --bf16
  python3 bench/reference/train_step_reference.py --batch 64 --bf16 --channels-last

Prints one line: "reference <precision> <layout> B=<batch>: <clips/s> clips/s".
"""
import argparse
import time

import torch
import torch.nn as nn
import torchvision


class Head(nn.Module):
    def __init__(self, channels, dim, dims):
        super().__init__()
        conv = nn.Conv3d if dims == 3 else nn.Conv2d
        norm = nn.BatchNorm3d if dims == 3 else nn.BatchNorm2d
        self.body = nn.Sequential(conv(channels, channels, 1, bias=False), norm(channels), nn.ReLU(inplace=True),
                                  conv(channels, dim, 1))

    def forward(self, x):
        return self.body(x).flatten(2).mean(2)


class VideoTrunk(nn.Module):  # r2plus1d_18 up to its last stage, feature map kept
    def __init__(self):
        super().__init__()
        m = torchvision.models.video.r2plus1d_18(weights=None)
        self.body = nn.Sequential(m.stem, m.layer1, m.layer2, m.layer3, m.layer4)

    def forward(self, x):
        return self.body(x)


class AudioTrunk(nn.Module):  # resnet18 with one input channel, feature map kept
    def __init__(self):
        super().__init__()
        m = torchvision.models.resnet18(weights=None)
        m.conv1 = nn.Conv2d(1, 64, 7, 2, 3, bias=False)
        self.body = nn.Sequential(m.conv1, m.bn1, m.relu, m.maxpool, m.layer1, m.layer2, m.layer3, m.layer4)

    def forward(self, x):
        return self.body(x)


def eq1_loss(zv, za):
    s = zv.float() @ za.float().t()  # s_ij = z_v^i . z_a^j
    b = s.shape[0]
    eye = torch.eye(b, dtype=torch.bool, device=s.device)
    cols = s.t().masked_fill(eye, float("-inf"))  # s_ji for j != i
    return (torch.logsumexp(torch.cat([s, cols], 1), 1) - s.diagonal()).mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--bf16", action="store_true")
    ap.add_argument("--channels-last", action="store_true")
    ap.add_argument("--cudnn-benchmark", action="store_true", help="torch.backends.cudnn.benchmark = True (as avflow)")
    a = ap.parse_args()
    torch.backends.cudnn.benchmark = a.cudnn_benchmark
    dev = torch.device("cuda")
    torch.manual_seed(0)
    f, g = VideoTrunk().to(dev), AudioTrunk().to(dev)
    hf, hg = Head(512, 512, 3).to(dev), Head(512, 512, 2).to(dev)
    params = [*f.parameters(), *g.parameters(), *hf.parameters(), *hg.parameters()]
    opt = torch.optim.Adam(params, lr=1e-3)
    video = torch.randn(a.batch, 3, 16, 158, 158, device=dev)
    audio = torch.randn(a.batch, 1, 96, 301, device=dev)
    if a.channels_last:
        for m in (f, hf):
            m.to(memory_format=torch.channels_last_3d)
        for m in (g, hg):
            m.to(memory_format=torch.channels_last)
        video = video.contiguous(memory_format=torch.channels_last_3d)
        audio = audio.contiguous(memory_format=torch.channels_last)

    def step():
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=a.bf16):
            zv, za = hf(f(video)), hg(g(audio))
        loss = eq1_loss(zv, za)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss

    for _ in range(3):
        step()
    torch.cuda.synchronize()
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < a.seconds or steps < 3:
        step()
        steps += 1
        if steps % 5 == 0:
            torch.cuda.synchronize()
    torch.cuda.synchronize()
    rate = steps * a.batch / (time.perf_counter() - start)
    print(f"reference {'bf16' if a.bf16 else 'fp32'} {'channels-last' if a.channels_last else 'NCDHW'} "
          f"{'cudnn-benchmark ' if a.cudnn_benchmark else ''}B={a.batch}: {rate:.1f} clips/s", flush=True)


if __name__ == "__main__":
    main()
