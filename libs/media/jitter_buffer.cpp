#include "libs/media/jitter_buffer.h"

namespace avflow::media {

bool set_jitter_buffer(GstElement* source, int64_t ms) {
  GParamSpec* spec = g_object_class_find_property(G_OBJECT_GET_CLASS(source), "latency");
  if (!spec || !(spec->flags & G_PARAM_WRITABLE)) return false;
  if (spec->value_type == G_TYPE_UINT) {
    g_object_set(source, "latency", static_cast<guint>(ms), nullptr);
    return true;
  }
  if (spec->value_type == G_TYPE_INT) {
    g_object_set(source, "latency", static_cast<gint>(ms), nullptr);
    return true;
  }
  return false;
}

}  // namespace avflow::media
