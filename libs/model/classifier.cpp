#include "libs/model/classifier.h"

#include "libs/model/archive_file.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "libs/model/cpu_archive.h"
#include "libs/model/encoder_export.h"

namespace avflow::model {

ClassifierImpl::ClassifierImpl(ClassifierOptions options) : options_(std::move(options)) {
  if (options_.classes < 1) throw std::invalid_argument("classifier: classes must be at least 1");
  int64_t channels = 0;
  if (options_.modality == "video") {
    f_ = register_module("f", VideoEncoder(options_.encoder));
    channels = f_->out_channels();
  } else if (options_.modality == "audio") {
    g_ = register_module("g", AudioEncoder(options_.encoder));
    channels = g_->out_channels();
  } else {
    throw std::invalid_argument("classifier: modality must be video or audio, not '" + options_.modality + "'");
  }
  head_ = register_module("head", torch::nn::Linear(channels, options_.classes));
}

torch::nn::Module& ClassifierImpl::encoder() {
  return f_ ? static_cast<torch::nn::Module&>(*f_) : static_cast<torch::nn::Module&>(*g_);
}

at::Tensor ClassifierImpl::features(const at::Tensor& input) {
  const at::Tensor map = f_ ? f_->forward(input) : g_->forward(input);
  return map.flatten(2).mean(2);  // average over time and space
}

at::Tensor ClassifierImpl::forward(const at::Tensor& input) { return head_->forward(features(input)); }

namespace {
// Module::load replaces each tensor with the archive's, whatever its shape;
// a file of another architecture must fail here, not as a shape error deep
// in the first forward pass.
void load_same_shapes(torch::nn::Module& module, torch::serialize::InputArchive& archive, const std::string& file) {
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto& p : module.named_parameters()) shapes[p.key()] = p.value().sizes().vec();
  for (const auto& b : module.named_buffers()) shapes[b.key()] = b.value().sizes().vec();
  module.load(archive);
  auto check = [&](const std::string& name, const at::Tensor& t) {
    if (t.sizes().vec() != shapes.at(name))
      throw std::runtime_error(file + " holds '" + name + "' of shape " + c10::str(t.sizes()) + " where " +
                               c10::str(c10::IntArrayRef(shapes.at(name))) + " is needed");
  };
  for (const auto& p : module.named_parameters()) check(p.key(), p.value());
  for (const auto& b : module.named_buffers()) check(b.key(), b.value());
}
}  // namespace

void ClassifierImpl::load_encoder(const std::string& path) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path, module_device(encoder()));
    load_same_shapes(encoder(), archive, path);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("cannot load the encoder " + path + " into a " + options_.modality + " encoder of width " +
                             std::to_string(options_.encoder.width) +
                             " (was it exported with other sizes? see encoder_options.txt beside it): " + e.what());
  } catch (const c10::Error& e) {
    throw std::runtime_error("cannot load the encoder " + path + " into a " + options_.modality + " encoder of width " +
                             std::to_string(options_.encoder.width) +
                             " (was it exported with other sizes? see encoder_options.txt beside it): " +
                             e.what_without_backtrace());
  }
}

void ClassifierImpl::freeze_encoder() {
  for (auto& p : encoder().parameters()) p.set_requires_grad(false);
  frozen_ = true;
  encoder().eval();
}

void ClassifierImpl::train(bool on) {
  torch::nn::Module::train(on);
  if (frozen_) encoder().eval();  // a probe never updates the encoder's batch-norm statistics
}

void save_classifier(Classifier& classifier, const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  const ClassifierOptions& o = classifier->options();
  const fs::path options_tmp = dir / ".classifier_options.txt.partial";
  {
    std::ofstream out(options_tmp);
    out << "modality " << o.modality << "\nclasses " << o.classes << "\nwidth " << o.encoder.width << "\nblocks";
    for (int64_t b : o.encoder.blocks) out << " " << b;
    out << "\n";
    if (!out.flush()) throw std::runtime_error("cannot write " + options_tmp.string());
  }
  torch::serialize::OutputArchive archive;
  save_cpu_copy(*classifier, archive);
  const fs::path tmp = dir / ".classifier.pt.partial";
  save_archive(archive, tmp);
  fs::rename(tmp, dir / "classifier.pt");
  fs::rename(options_tmp, dir / "classifier_options.txt");
}

Classifier load_classifier(const std::filesystem::path& dir) {
  const auto file = dir / "classifier_options.txt";
  std::ifstream in(file);
  if (!in) throw std::runtime_error("no classifier in " + dir.string() + " (" + file.string() + " is missing)");
  ClassifierOptions o;
  o.encoder.blocks.clear();
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::istringstream fields(line);
    std::string key;
    if (!(fields >> key)) continue;
    bool ok = true;
    if (key == "modality") ok = static_cast<bool>(fields >> o.modality);
    else if (key == "classes") ok = static_cast<bool>(fields >> o.classes);
    else if (key == "width") ok = static_cast<bool>(fields >> o.encoder.width);
    else if (key == "blocks") {
      for (int64_t b; fields >> b;) o.encoder.blocks.push_back(b);
      ok = !o.encoder.blocks.empty();
    } else {
      ok = false;
    }
    if (!ok) throw std::runtime_error(file.string() + ":" + std::to_string(number) + ": cannot read '" + line + "'");
  }
  o.encoder.check(file.string());
  Classifier classifier(o);
  try {
    torch::serialize::InputArchive archive;
    archive.load_from((dir / "classifier.pt").string());
    load_same_shapes(*classifier, archive, (dir / "classifier.pt").string());
  } catch (const c10::Error& e) {
    throw std::runtime_error("cannot load " + (dir / "classifier.pt").string() + ": " + e.what_without_backtrace());
  }
  return classifier;
}

Classifier load_encoder_only(const std::string& modality, const std::string& encoder, const EncoderOptions& fallback) {
  ClassifierOptions options;
  options.modality = modality;
  options.classes = 1;  // the head is not used
  options.encoder = fallback;
  if (auto exported = read_encoder_options(std::filesystem::path(encoder).parent_path()))
    options.encoder = modality == "video" ? exported->video : exported->audio;
  Classifier model(options);
  model->load_encoder(encoder);
  return model;
}

}  // namespace avflow::model
