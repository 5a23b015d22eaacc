"""Writes weights as a PyTorch user has them: torchvision models seeded and
saved with torch.save(model.state_dict()) (an OrderedDict with _metadata, fc
included), with their running statistics moved off 0 and 1 so that they
matter, and the models' outputs (fc replaced by Identity, eval mode) on
fixed inputs for avflow to reproduce.

    write_torchvision_weights.py OUT_DIR

OUT_DIR/r2plus1d_18.pth, OUT_DIR/resnet18_1ch.pth, OUT_DIR/probe.safetensors
(video, audio inputs; video_out, audio_out).
"""
import os
import sys

import torch
import torchvision

import safetensors_numpy

out = sys.argv[1]
torch.manual_seed(7)
video = torchvision.models.video.r2plus1d_18()
audio = torchvision.models.resnet18()
audio.conv1 = torch.nn.Conv2d(1, 64, 7, 2, 3, bias=False)
probe = {"video": torch.randn(2, 3, 8, 32, 32), "audio": torch.randn(2, 1, 64, 48)}
for name, model, file in (("video", video, "r2plus1d_18.pth"), ("audio", audio, "resnet18_1ch.pth")):
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
            m.num_batches_tracked.fill_(3)
    torch.save(model.state_dict(), os.path.join(out, file))
    model.fc = torch.nn.Identity()
    model.eval()
    with torch.no_grad():
        probe[name + "_out"] = model(probe[name])
safetensors_numpy.save(os.path.join(out, "probe.safetensors"), {k: v.numpy() for k, v in probe.items()})
