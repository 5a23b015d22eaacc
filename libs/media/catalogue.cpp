#include "libs/media/catalogue.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "engine/log.h"
#include "libs/random/item_random.h"

namespace avflow::media {
namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string lower_extension(const fs::path& p) { return lower(p.extension().string()); }

[[noreturn]] void fail(const std::string& where, const std::string& message) {
  throw CatalogueError({{SourceLocation{where}, "", message}});
}

// "rtsp://...", "file:/x": a scheme of two or more letters, then ':'. Two, so
// that a Windows drive letter is not taken for one.
bool has_scheme(const std::string& s) {
  size_t colon = s.find(':');
  if (colon == std::string::npos || colon < 2 || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
}

const std::vector<std::string> kFields = {"id", "path", "uri", "show", "genre"};

// One manifest entry as written, before checks. A field is unset when the
// entry does not give it; TOML sets a key written as "" to "", CSV leaves an
// empty optional cell unset.
struct Entry {
  SourceLocation where;  // the [[title]] table or the CSV line
  std::map<std::string, std::pair<std::string, SourceLocation>> fields;

  const std::pair<std::string, SourceLocation>* get(const std::string& name) const {
    auto it = fields.find(name);
    return it == fields.end() ? nullptr : &it->second;
  }
};

// Checks entries in order and turns them into titles, collecting every
// problem; shared by the TOML and the CSV reader.
class ManifestBuilder {
 public:
  explicit ManifestBuilder(const fs::path& manifest) : file_(manifest.string()), dir_(manifest.parent_path()) {
    catalogue_.source = file_;
  }

  const std::string& file() const { return file_; }
  void error(SourceLocation where, std::string message) {
    errors_.push_back({std::move(where), "", std::move(message)});
  }

  void add(const Entry& e) {
    bool ok = true;
    for (const auto& [name, value] : e.fields) {
      if (value.first.empty()) {
        error(value.second, "'" + name + "' is empty" +
                                (name == "show"    ? "; leave it out for a movie"
                                 : name == "genre" ? "; leave it out when unknown"
                                                   : ""));
        ok = false;
      }
    }
    const auto* id = e.get("id");
    const auto* path = e.get("path");
    const auto* uri = e.get("uri");
    if (!id) {
      error(e.where, "title without an id");
      ok = false;
    }
    if (path && uri) {
      error(uri->second, "title has both a path and a uri; give exactly one");
      ok = false;
    } else if (!path && !uri) {
      error(e.where, "title has neither a path nor a uri; give exactly one");
      ok = false;
    }
    if (uri && !uri->first.empty() && !has_scheme(uri->first)) {
      error(uri->second, "uri '" + uri->first + "' has no scheme (file://, http://, rtsp://, ...); a file is a path");
      ok = false;
    }
    if (path && path->first.find("://") != std::string::npos) {
      error(path->second, "path '" + path->first + "' looks like a URI; give it as uri");
      ok = false;
    }
    if (id && !id->first.empty()) {
      auto [it, fresh] = first_seen_.emplace(id->first, id->second);
      if (!fresh) {
        error(id->second, "duplicate id '" + id->first + "' (first at " + without_column(it->second) + ")");
        ok = false;
      }
    }
    if (!ok) return;
    Title t;
    t.id = id->first;
    if (const auto* show = e.get("show")) t.show = show->first;
    if (const auto* genre = e.get("genre")) t.genre = genre->first;
    t.uri = path ? fs::absolute(dir_ / path->first).lexically_normal().string() : uri->first;
    t.origin = without_column(e.where);
    catalogue_.titles.push_back(std::move(t));
  }

  Catalogue finish() {
    if (errors_.empty() && catalogue_.titles.empty()) error(SourceLocation{file_}, "the manifest lists no titles");
    if (!errors_.empty()) throw CatalogueError(std::move(errors_));
    return std::move(catalogue_);
  }

 private:
  static std::string without_column(SourceLocation where) {
    where.column = 0;
    return where.str();
  }

  std::string file_;
  fs::path dir_;
  Catalogue catalogue_;
  std::vector<Diagnostic> errors_;
  std::map<std::string, SourceLocation> first_seen_;
};

SourceLocation location_of(const toml::source_region& r, const std::string& file) {
  return SourceLocation{file, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

std::string toml_type(const toml::node& n) {
  std::ostringstream os;
  os << n.type();
  return os.str();
}

Catalogue load_toml(const fs::path& manifest) {
  ManifestBuilder b(manifest);
  toml::table root;
  try {
    root = toml::parse_file(manifest.string());
  } catch (const toml::parse_error& e) {
    b.error(location_of(e.source(), b.file()), std::string(e.description()));
    return b.finish();
  }
  for (auto&& [key, value] : root) {
    if (key.str() != "title")
      b.error(location_of(key.source(), b.file()), "unknown top-level key '" + std::string(key.str()) + "'" +
                                                       did_you_mean(std::string(key.str()), {"title"}) +
                                                       "; a manifest is a list of [[title]] tables");
  }
  const toml::node* titles = root.get("title");
  if (titles && !titles->is_array_of_tables()) {
    b.error(location_of(titles->source(), b.file()), "'title' must be [[title]] tables, not " + toml_type(*titles));
    return b.finish();
  }
  if (titles) {
    for (const toml::node& n : *titles->as_array()) {
      const toml::table& t = *n.as_table();
      Entry e;
      e.where = location_of(t.source(), b.file());
      for (auto&& [k, v] : t) {
        const std::string name(k.str());
        const SourceLocation at = location_of(k.source(), b.file());
        if (std::find(kFields.begin(), kFields.end(), name) == kFields.end()) {
          b.error(at, "unknown key '" + name + "'" + did_you_mean(name, kFields) +
                          "; the keys are id, path, uri, show, genre");
        } else if (!v.is_string()) {
          b.error(location_of(v.source(), b.file()), "'" + name + "' must be a string, not " + toml_type(v));
        } else {
          e.fields[name] = {v.as_string()->get(), at};
        }
      }
      b.add(e);
    }
  }
  return b.finish();
}

// Splits one CSV line into fields; returns an error message for a malformed
// quoted field. Unquoted fields are trimmed of surrounding blanks; quoted
// ones are kept as written, with "" read as ".
std::optional<std::string> split_csv(const std::string& line, std::vector<std::string>& fields) {
  fields.clear();
  size_t i = 0;
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (true) {
    while (i < line.size() && blank(line[i])) ++i;
    std::string field;
    if (i < line.size() && line[i] == '"') {
      const size_t opened = i++;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] != '"') {
          field += line[i++];
        } else if (i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          i += 2;
        } else {
          closed = true;
          ++i;
          break;
        }
      }
      if (!closed)
        return "malformed quoted field at column " + std::to_string(opened + 1) +
               ": no closing quote (a field cannot span lines)";
      while (i < line.size() && blank(line[i])) ++i;
      if (i < line.size() && line[i] != ',')
        return "malformed quoted field at column " + std::to_string(opened + 1) +
               ": text after the closing quote (write a quote inside a quoted field as \"\")";
    } else {
      const size_t start = i;
      while (i < line.size() && line[i] != ',') ++i;
      field = line.substr(start, i - start);
      while (!field.empty() && blank(field.back())) field.pop_back();
      if (field.find('"') != std::string::npos)
        return "malformed field at column " + std::to_string(start + 1) +
               ": a quote inside an unquoted field (quote the whole field and double the quote)";
    }
    fields.push_back(std::move(field));
    if (i >= line.size()) return std::nullopt;
    ++i;  // the comma
  }
}

Catalogue load_csv(const fs::path& manifest) {
  ManifestBuilder b(manifest);
  std::ifstream in(manifest);
  if (!in) fail(b.file(), "cannot read the manifest");
  std::vector<std::string> columns;  // empty until the header is read
  std::vector<bool> known;
  std::vector<std::string> fields;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a UTF-8 byte order mark
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    const SourceLocation at{b.file(), number};
    if (auto malformed = split_csv(line, fields)) {
      b.error(at, *malformed);
      if (columns.empty()) return b.finish();  // no usable header
      continue;
    }
    if (columns.empty()) {
      columns = fields;
      for (size_t c = 0; c < columns.size(); ++c) {
        const std::string& name = columns[c];
        const bool ok = std::find(kFields.begin(), kFields.end(), name) != kFields.end();
        known.push_back(ok && std::find(columns.begin(), columns.begin() + static_cast<std::ptrdiff_t>(c), name) ==
                                  columns.begin() + static_cast<std::ptrdiff_t>(c));
        if (!ok)
          b.error(at, "unknown column '" + name + "'" + did_you_mean(name, kFields) +
                          "; the columns are id, path, uri, show, genre");
        else if (!known.back())
          b.error(at, "column '" + name + "' named twice");
      }
      const auto has = [&](const char* name) {
        return std::find(columns.begin(), columns.end(), name) != columns.end();
      };
      if (!has("id")) b.error(at, "the header has no 'id' column");
      if (!has("path") && !has("uri")) b.error(at, "the header has neither a 'path' nor a 'uri' column");
      if (!has("id") || (!has("path") && !has("uri"))) return b.finish();
      continue;
    }
    if (fields.size() != columns.size()) {
      b.error(at, std::to_string(fields.size()) + " fields, but the header names " + std::to_string(columns.size()) +
                      " columns");
      continue;
    }
    Entry e;
    e.where = at;
    const bool both =
        std::count(columns.begin(), columns.end(), "path") && std::count(columns.begin(), columns.end(), "uri");
    for (size_t c = 0; c < columns.size(); ++c) {
      const std::string& name = columns[c];
      if (!known[c]) continue;
      // An empty optional cell means "none"; so does an empty path or uri
      // when the other column is there to fill.
      const bool optional = name == "show" || name == "genre" || ((name == "path" || name == "uri") && both);
      if (fields[c].empty() && optional) continue;
      e.fields[name] = {fields[c], at};
    }
    b.add(e);
  }
  if (in.bad()) fail(b.file(), "cannot read the manifest");
  if (columns.empty()) b.error(SourceLocation{b.file()}, "no header line (e.g. id,path,show,genre)");
  return b.finish();
}

const std::vector<std::string> kMediaExtensions = {".mp4", ".mkv", ".webm", ".avi", ".mov",
                                                   ".m4v", ".mpg", ".mpeg", ".ts",  ".ogv"};

bool is_media_file(const fs::directory_entry& entry) {
  std::error_code ec;
  if (!entry.is_regular_file(ec)) return false;
  const std::string name = entry.path().filename().string();
  if (name.empty() || name[0] == '.') return false;
  const std::string ext = lower_extension(entry.path());
  return std::find(kMediaExtensions.begin(), kMediaExtensions.end(), ext) != kMediaExtensions.end();
}

// Calls f(entry) for each entry of `dir`, sorted by path; records a listing
// error instead of throwing.
template <class F>
void for_each_entry(const fs::path& dir, std::vector<Diagnostic>& errors, F f) {
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(*it);
  if (ec) {
    errors.push_back({SourceLocation{dir.string()}, "", "cannot list the folder: " + ec.message()});
    return;
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.path() < b.path(); });
  for (const auto& entry : entries) f(entry);
}

}  // namespace

Catalogue load_manifest(const fs::path& manifest) {
  std::error_code ec;
  if (!fs::exists(manifest, ec)) fail(manifest.string(), "manifest does not exist");
  if (fs::is_directory(manifest, ec)) fail(manifest.string(), "manifest is a folder, not a .toml or .csv file");
  const std::string ext = lower_extension(manifest);
  if (ext == ".toml") return load_toml(manifest);
  if (ext == ".csv") return load_csv(manifest);
  fail(manifest.string(), "a manifest is a .toml or .csv file, not '" + ext + "'");
}

Catalogue scan_directory(const fs::path& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    fail(root.string(), fs::exists(root, ec) ? "not a folder" : "catalogue folder does not exist");
  const fs::path base = fs::absolute(root).lexically_normal();
  const fs::path movies = base / "movies", tv = base / "tv";
  if (!fs::is_directory(movies, ec) && !fs::is_directory(tv, ec))
    fail(root.string(), "neither movies/ nor tv/ in this folder; expected " + (base / "movies/<title>.<ext>").string() +
                            " and " + (base / "tv/<show>/<episode>.<ext>").string());

  Catalogue cat;
  cat.source = root.string();
  std::vector<Diagnostic> errors;
  const auto skip = [&](const fs::directory_entry& entry) {
    ++cat.ignored;
    AVFLOW_LOG(debug) << "catalogue: skipped " << entry.path().string()
                      << " (not a media file in the movies/ + tv/<show>/ layout)";
  };
  const auto add = [&](const fs::path& file, std::string show) {
    Title t;
    t.id = show.empty() ? file.stem().string() : show + "/" + file.stem().string();
    t.show = std::move(show);
    t.uri = file.string();
    t.origin = file.string();
    cat.titles.push_back(std::move(t));
  };
  if (fs::is_directory(movies, ec)) {
    for_each_entry(movies, errors, [&](const fs::directory_entry& e) {
      if (is_media_file(e))
        add(e.path(), "");
      else
        skip(e);
    });
  }
  if (fs::is_directory(tv, ec)) {
    for_each_entry(tv, errors, [&](const fs::directory_entry& show) {
      const std::string name = show.path().filename().string();
      if (!show.is_directory(ec) || name[0] == '.') return skip(show);
      for_each_entry(show.path(), errors, [&](const fs::directory_entry& e) {
        if (is_media_file(e))
          add(e.path(), name);
        else
          skip(e);
      });
    });
  }

  std::sort(cat.titles.begin(), cat.titles.end(),
            [](const Title& a, const Title& b) { return std::tie(a.id, a.uri) < std::tie(b.id, b.uri); });
  for (size_t i = 1, first = 0; i < cat.titles.size(); ++i) {
    if (cat.titles[i].id != cat.titles[first].id) {
      first = i;
      continue;
    }
    errors.push_back({SourceLocation{cat.titles[i].uri}, "",
                      "duplicate id '" + cat.titles[i].id + "' (also " + cat.titles[first].uri + ")"});
  }
  if (errors.empty() && cat.titles.empty())
    errors.push_back({SourceLocation{root.string()}, "",
                      "no media files in movies/ or tv/<show>/ (" + std::to_string(cat.ignored) + " other entries)"});
  if (!errors.empty()) throw CatalogueError(std::move(errors));
  return cat;
}

Catalogue load_catalogue(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return scan_directory(path);
  const std::string ext = lower_extension(path);
  if (ext == ".toml" || ext == ".csv") return load_manifest(path);
  fail(path.string(), fs::exists(path, ec)
                          ? "not a catalogue: give a folder with movies/ and tv/, or a .toml or .csv manifest"
                          : "catalogue does not exist (a folder with movies/ and tv/, or a .toml or .csv manifest)");
}

Split split_catalogue(const Catalogue& catalogue, uint64_t seed, double held_out_fraction) {
  if (!(held_out_fraction >= 0.0 && held_out_fraction < 1.0))
    throw std::invalid_argument("held_out_fraction must be in [0, 1), got " + std::to_string(held_out_fraction));

  struct Unit {
    std::string key;
    std::vector<const Title*> titles;
    uint64_t rank = 0;
    bool held_out = false;
  };
  std::map<std::string, Unit> by_key;
  for (const Title& t : catalogue.titles) {
    std::string key = t.is_episode() ? "show:" + t.show : "movie:" + t.id;
    Unit& u = by_key[key];
    u.key = std::move(key);
    u.titles.push_back(&t);
  }
  std::vector<Unit*> order;
  for (auto& [key, unit] : by_key) {
    // A random stream per (seed, unit): the key is its purpose.
    unit.rank = random::ItemRandom(seed, 0, 0, key).next();
    order.push_back(&unit);
  }
  std::sort(order.begin(), order.end(),
            [](const Unit* a, const Unit* b) { return std::tie(a->rank, a->key) < std::tie(b->rank, b->key); });

  const size_t n = catalogue.titles.size();
  const auto target = static_cast<size_t>(std::llround(held_out_fraction * static_cast<double>(n)));
  size_t held = 0;
  for (Unit* u : order) {
    if (held + u->titles.size() <= target) {
      u->held_out = true;
      held += u->titles.size();
    }
  }
  if (held == 0 && target > 0 && !order.empty()) {
    // Every unit is bigger than the target: hold out the smallest one.
    Unit* smallest = *std::min_element(
        order.begin(), order.end(), [](const Unit* a, const Unit* b) { return a->titles.size() < b->titles.size(); });
    smallest->held_out = true;
    held = smallest->titles.size();
  }

  Split split;
  for (const Unit* u : order)
    for (const Title* t : u->titles) (u->held_out ? split.held_out : split.train).push_back(*t);
  const auto by_id = [](const Title& a, const Title& b) { return a.id < b.id; };
  std::sort(split.train.begin(), split.train.end(), by_id);
  std::sort(split.held_out.begin(), split.held_out.end(), by_id);
  if (split.train.empty())
    fail(catalogue.source, "the split leaves no training titles: " + std::to_string(n) + " title(s) in " +
                               std::to_string(order.size()) + " unit(s) (movies and whole shows), held_out_fraction " +
                               std::to_string(held_out_fraction) + " holds out " + std::to_string(held));
  return split;
}

}  // namespace avflow::media
