#include "libs/datasets/dataset_roots.h"

#include <vector>

namespace avflow::datasets {
namespace fs = std::filesystem;
namespace {

// A pair of folders as a layout would have them; `marker` is a file inside
// `lists` that the layout must hold, so an empty folder of the right name
// does not pass.
struct Candidate {
  fs::path videos, lists, marker;
};

DatasetFolders first_present(const std::string& dataset, const fs::path& root, const std::vector<Candidate>& tries) {
  std::string looked;
  for (const auto& c : tries) {
    if (fs::is_directory(c.videos) && fs::is_regular_file(c.marker)) return {c.videos, c.lists};
    looked += "\n  " + c.marker.string() + (c.videos != c.lists && !c.lists.empty() ? " with " + c.videos.string() : "");
  }
  throw DatasetRootError("root " + root.string() + " does not hold " + dataset + " in any layout avflow reads; looked for" +
                         looked);
}

// The layouts of a data set of videos and list files: ROOT/VIDEOS + ROOT/LISTS,
// or ROOT = VIDEOS with LISTS beside it (ROOT/../LISTS) or inside it.
DatasetFolders videos_and_lists(const std::string& dataset, const fs::path& root, const std::string& videos,
                                const std::string& lists, const std::string& marker) {
  const fs::path r = root.lexically_normal();
  const fs::path self = r.has_filename() ? r : r.parent_path();
  const fs::path parent = fs::absolute(self).parent_path();
  return first_present(dataset, root,
                       {{root / videos, root / lists, root / lists / marker},
                        {root, parent / lists, parent / lists / marker},
                        {root, root / lists, root / lists / marker}});
}

}  // namespace

DatasetFolders find_ucf101(const fs::path& root) {
  return videos_and_lists("UCF101", root, "UCF-101", "ucfTrainTestlist", "classInd.txt");
}

DatasetFolders find_hmdb51(const fs::path& root) {
  // Any split file names the folder: brush_hair's, the first class.
  const auto folders = [&](const fs::path& lists) {
    std::error_code ec;
    for (fs::directory_iterator it(lists, ec), end; !ec && it != end; it.increment(ec))
      if (it->path().filename().string().find("_test_split") != std::string::npos) return it->path();
    return lists / "<class>_test_split1.txt";
  };
  const fs::path r = root.lexically_normal();
  const fs::path parent = fs::absolute(r.has_filename() ? r : r.parent_path()).parent_path();
  const std::string lists = "testTrainMulti_7030_splits";
  return first_present("HMDB51", root,
                       {{root / "hmdb51_org", root / lists, folders(root / lists)},
                        {root, parent / lists, folders(parent / lists)},
                        {root, root / lists, folders(root / lists)}});
}

DatasetFolders find_esc50(const fs::path& root) {
  const fs::path csv = fs::path("meta") / "esc50.csv";
  return first_present("ESC-50", root,
                       {{root / "ESC-50-master", {}, root / "ESC-50-master" / csv},
                        {root / "ESC-50", {}, root / "ESC-50" / csv},
                        {root, {}, root / csv}});
}

}  // namespace avflow::datasets
