// The scene-detection parameters of prepare, declared once here (the rule
// itself: scene_detector.h). The defaults were chosen on the README's demo
// catalogue (seed 0, 9 titles of 2 minutes at 5 fps): 88 of its 91 cuts found
// within a frame, 2 false ones; grouping shots by backdrop, scene_threshold
// has no errors anywhere in [0.35, 0.5]. The test checks another seed
// (tests/libs/demo/shot_cuts_on_demo_titles_test.cpp).
#pragma once

#include <cmath>
#include <algorithm>

#include "engine/context.h"
#include "engine/contract.h"
#include "engine/params.h"
#include "libs/media/scene/scene_detector.h"

namespace avflow::ops {

struct SceneParams {
  Param<bool> enabled{"scenes", true, "detect shot cuts and scenes and store the scene starts in the shard"};
  Param<double> cut_threshold{"cut_threshold", 0.12, Range{0.01, 1.0},
                              "least colour-histogram distance between neighbouring frames for a cut (0..1)"};
  Param<double> cut_ratio{"cut_ratio", 4.0, Range{1.0, 100.0},
                          "a cut's distance must also be this many times the mean of its neighbours' (motion is not a cut)"};
  Param<double> min_shot{"min_shot", 0.6, Range{0.0, 60.0}, "shortest shot in seconds (a flash is not two cuts)"};
  Param<double> scene_threshold{"scene_threshold", 0.4, Range{0.0, 1.0},
                                "shots whose mean histograms are this close link into one scene (0: every shot a scene)"};
  Param<int64_t> scene_memory{"scene_memory", 3, Range{1, 100}, "how many shots back a shot may link to its scene"};

  ParamGroup group() const {
    return {{enabled.spec, cut_threshold.spec, cut_ratio.spec, min_shot.spec, scene_threshold.spec, scene_memory.spec},
            {}};
  }

  media::scene::SceneRule rule(const Context& ctx, double fps) const {
    media::scene::SceneRule r;
    r.cut_threshold = ctx.param(cut_threshold);
    r.cut_ratio = ctx.param(cut_ratio);
    r.min_shot = std::max(1, static_cast<int>(std::lround(ctx.param(min_shot) * fps)));
    r.scene_threshold = ctx.param(scene_threshold);
    r.scene_memory = static_cast<int>(ctx.param(scene_memory));
    return r;
  }
};

}  // namespace avflow::ops
