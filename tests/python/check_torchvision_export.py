"""Loads what `avflow export` wrote into torchvision's models, as a PyTorch
user would (strict key matching, fc replaced by Identity), and checks that
torchvision's forward gives avflow's embeddings.

    check_torchvision_export.py PT_DIR SAFETENSORS_DIR PROBE.safetensors

PROBE holds the inputs (video, audio) and avflow's outputs on them
(video_out, audio_out: the encoder's feature map averaged to [B, C]; and
video_out64, audio_out64: the same computed in float64). Prints the largest
differences per encoder; exit 1 when float32 differs by more than 1e-4 of
the outputs' scale (at least 1) or float64 by more than 1e-9.
"""
import json
import os
import sys

import numpy as np
import torch
import torchvision

import safetensors_numpy

pt_dir, st_dir, probe_file = sys.argv[1:4]
probe, _ = safetensors_numpy.load(probe_file)
spec = json.load(open(os.path.join(pt_dir, "input_spec.json")))

video = torchvision.models.video.r2plus1d_18()
video.fc = torch.nn.Identity()
video.load_state_dict(torch.load(os.path.join(pt_dir, "video_encoder.pt")))

audio = torchvision.models.resnet18()
audio.conv1 = torch.nn.Conv2d(1, 64, 7, 2, 3, bias=False)
audio.fc = torch.nn.Identity()
audio.load_state_dict(torch.load(os.path.join(pt_dir, "audio_encoder.pt")))

failed = False
for name, model in (("video", video), ("audio", audio)):
    # The safetensors export holds the same tensors under the same names.
    tensors, metadata = safetensors_numpy.load(os.path.join(st_dir, name + "_encoder.safetensors"))
    state = model.state_dict()
    if sorted(tensors) != sorted(state):
        print(name, "safetensors names differ:", sorted(set(tensors) ^ set(state))[:5])
        failed = True
    for key, value in tensors.items():
        if key in state and not np.array_equal(value, state[key].numpy()):
            print(name, "safetensors tensor differs:", key)
            failed = True
    if metadata.get("avflow_encoder") != name or not spec[name]["torchvision"]["loads"]:
        print(name, "metadata or input spec wrong:", metadata, spec[name])
        failed = True
    model.eval()
    with torch.no_grad():
        out = model(torch.from_numpy(probe[name])).numpy()
        out64 = model.double()(torch.from_numpy(probe[name]).double()).numpy()
    # float32: the two compute in different orders (avflow's (2+1)D convolutions
    # run as 2D ones), so they agree to float32 rounding of the output's scale;
    # float64 shows the weights are the same to the last digits.
    scale = float(np.abs(probe[name + "_out"]).max())
    diff = float(np.abs(out - probe[name + "_out"]).max())
    diff64 = float(np.abs(out64 - probe[name + "_out64"]).max())
    print(f"{name}: torchvision's output [{out.shape[0]}, {out.shape[1]}] differs from avflow's by at most "
          f"{diff:.3g} in float32 (outputs up to {scale:.3g}: {diff / scale:.2g} of them) and {diff64:.3g} in float64")
    failed |= not (diff <= 1e-4 * max(1.0, scale) and diff64 <= 1e-9)
sys.exit(1 if failed else 0)
