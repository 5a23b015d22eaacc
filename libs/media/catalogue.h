// The title catalogue: which movies and episodes make up a data set, read
// from a manifest or found by scanning a folder, and its train / held-out
// split by show.
//
// Manifest, TOML (relative paths are relative to the manifest's folder):
//   [[title]]
//   id = "heat"
//   path = "movies/heat.mkv"          # or uri = "rtsp://host/heat"; exactly one
//   genre = "crime"                   # optional
//   [[title]]
//   id = "friends-s01e01"
//   show = "friends"                  # optional; a title with a show is an episode
//   uri = "https://example.org/f/s01e01.mp4"
//
// Manifest, CSV: a header naming its columns among id, path, uri, show,
// genre (any order; id and path or uri required), then one title a line.
// Fields are comma separated and may be double-quoted, with "" for a quote
// inside; a quoted field cannot span lines. Blank lines and lines starting
// with # are skipped. With both a path and a uri column, each row fills
// exactly one of them; an empty show or genre means none.
//   id,path,show
//   heat,movies/heat.mkv,
//   "friends, s01e01",tv/friends/s01e01.mkv,friends
//
// Folder layout (scan_directory):
//   ROOT/movies/<title>.<ext>           a movie, id "<title>"
//   ROOT/tv/<show>/<episode>.<ext>      an episode, id "<show>/<episode>"
// with <ext> one of mp4 mkv webm avi mov m4v mpg mpeg ts ogv (any case).
// Other files, hidden files (".name") and deeper folders are skipped and
// counted. Titles are sorted by id, whatever the directory order.
//
// Every problem in a manifest or folder is collected and thrown at once as a
// CatalogueError, one "file:line[:column]: error: ..." diagnostic each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/diagnostics.h"
#include "libs/media/title.h"

namespace avflow::media {

struct Catalogue {
  std::vector<Title> titles;
  std::string source;  // the manifest or folder it was read from
  size_t ignored = 0;  // entries a folder scan skipped (not media, hidden, too deep)
};

// A bad manifest, folder or split; a GraphError so that the CLI prints its
// diagnostics like any other file error.
class CatalogueError : public GraphError {
 public:
  using GraphError::GraphError;
};

// A .toml or .csv manifest (chosen by extension, any case).
Catalogue load_manifest(const std::filesystem::path& manifest);

// A folder in the movies/ + tv/ layout above.
Catalogue scan_directory(const std::filesystem::path& root);

// A folder -> scan_directory; a .toml or .csv file -> load_manifest.
Catalogue load_catalogue(const std::filesystem::path& path);

// The split rule. A unit is one movie or one whole show (all its episodes),
// so a show is never on both sides. Units are ordered by a hash of
// (seed, unit key) and walked in that order; a unit joins held-out when the
// held-out title count stays within the target round(fraction * N) (N the
// number of titles). So held-out never exceeds the target and falls short of
// it by less than the largest unit. One exception: when the target is above
// zero but no unit fits (every show is bigger than the target), the smallest
// unit (first in hash order among equals) is held out, so a non-zero
// fraction never yields an empty held-out set merely because the shows are
// long. The split depends only on (seed, fraction, the set of titles), not
// on their order. A split that leaves no training titles is an error (for
// instance one title with fraction 0.5, whose target is 1, or a catalogue
// that is a single show).
struct Split {
  std::vector<Title> train, held_out;  // each sorted by id
};

// Throws std::invalid_argument unless 0 <= held_out_fraction < 1.
Split split_catalogue(const Catalogue& catalogue, uint64_t seed, double held_out_fraction = 0.1);

}  // namespace avflow::media
