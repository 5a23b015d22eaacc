// The jitter buffer of a network source (rtspsrc, srtsrc, ...: their
// "latency" property, in ms): how long it waits for a late or missing packet
// before it gives up on it and passes on what it has. Packets that arrive in
// order are not held, so on a clean network it costs nothing; on a lossy one
// it bounds the stall a lost packet causes (rtspsrc's default is 2000 ms).
#pragma once

#include <gst/gst.h>

#include <cstdint>

namespace avflow::media {

// Sets `source`'s jitter buffer to `ms`; false (and nothing changed) when the
// element has none.
bool set_jitter_buffer(GstElement* source, int64_t ms);

}  // namespace avflow::media
