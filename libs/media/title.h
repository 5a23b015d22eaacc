// Title payload: one long-form title of the pretraining set, a movie or an
// episode of a show, as the catalogue lists it. The `titles` source emits
// one per item; a decoder opens its URI.
#pragma once

#include <string>

#include "engine/payload.h"

namespace avflow::media {

struct Title {
  std::string id;      // unique within its catalogue; "<show>/<stem>" for a scanned episode
  std::string show;    // the show an episode belongs to; empty for a movie
  std::string uri;     // an absolute file path, or a URI with a scheme (file://, http(s)://, rtsp://, ...)
  std::string genre;   // optional, may be empty
  std::string origin;  // where it was declared: "manifest.toml:12", or the scanned file's path

  bool is_episode() const { return !show.empty(); }
};

// "title 'friends/s01e01' (episode of 'friends') /data/tv/friends/s01e01.mkv"
inline std::string describe(const Title& t) {
  std::string s = "title '" + t.id + "'";
  if (t.is_episode()) s += " (episode of '" + t.show + "')";
  return s + " " + t.uri;
}

}  // namespace avflow::media

AVFLOW_PAYLOAD(avflow::media::Title, "title", "one long-form title: id, show, URI, genre")
