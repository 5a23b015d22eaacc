// Our encoders under torchvision's names. The video encoder f is laid out as
// torchvision's r2plus1d_18 (torchvision.models.video.resnet.VideoResNet) and
// the audio encoder g as resnet18 with a one-channel conv1, both without
// their pooling and classifier; only the names of their tensors differ:
//
//   video  stem.I.*                 -> stem.I.*               (same)
//          stages.K.conv1.{0,1,3}.* -> layerS.B.conv1.0.{0,1,3}.*   (the (2+1)D conv)
//          stages.K.conv1.4.*       -> layerS.B.conv1.1.*     (its batch norm)
//          stages.K.conv2.…         -> layerS.B.conv2.…       (likewise)
//          stages.K.downsample.I.*  -> layerS.B.downsample.I.*
//   audio  stem.0.weight            -> conv1.weight
//          stem.1.*                 -> bn1.*
//          stages.K.body.{0,1,3,4}.*-> layerS.B.{conv1,bn1,conv2,bn2}.*
//          stages.K.downsample.I.*  -> layerS.B.downsample.I.*
//
// where block K of our flat list of blocks is block B (from 0) of stage S
// (from 1), counted with EncoderOptions::blocks.
#pragma once

#include <string>
#include <vector>

#include "libs/model/encoder_options.h"

namespace avflow::model {

enum class EncoderKind { kVideo, kAudio };

const char* encoder_kind_name(EncoderKind kind);  // "video", "audio"

// torchvision's name for one of our encoder's parameters or buffers, e.g.
// video "stages.2.conv1.3.weight" with blocks {2, 2, 2, 2} ->
// "layer2.0.conv1.0.3.weight". std::invalid_argument for a name the encoder
// does not have.
std::string torchvision_name(EncoderKind kind, const std::vector<int64_t>& blocks, const std::string& ours);

// Which torchvision model holds an encoder of these sizes.
struct TorchvisionFit {
  bool loads = false;       // torchvision's classes build it (with `constructor`)
  std::string constructor;  // Python that builds it, its classifier replaced by nn.Identity
  std::string reason;       // why none does, when !loads
};
TorchvisionFit torchvision_fit(EncoderKind kind, const EncoderOptions& options);

}  // namespace avflow::model
