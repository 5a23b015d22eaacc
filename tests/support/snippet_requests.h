// A test source of snippet requests: `test_snippet_requests` emits, in
// order, the requests a test set with set_snippet_requests, then ends.
//
//   set_snippet_requests({{"film", 1}, {"film", 0}});
//   [[node]]  name = "req"  op = "test_snippet_requests"
#pragma once

#include <vector>

#include "libs/media/snippet_request.h"

namespace avflow::test {

void set_snippet_requests(std::vector<media::SnippetRequest> requests);

}  // namespace avflow::test
