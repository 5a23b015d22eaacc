// Operator: the unit of work in an avflow graph.
//
// An operator declares its contract (ports, parameters, traits) with
// AVFLOW_CONTRACT and registers itself with AVFLOW_REGISTER at the bottom of
// its own file. The engine calls, on one instance per graph node:
//   open(ctx)     once, before any item; parameters are validated already.
//   process(ctx)  for every input item (sources: until ctx.end_of_stream()).
//   finish(ctx)   once, when every upstream stream has ended normally; may
//                 emit (a batcher flushes its partial batch here).
//   close(reason) always, after a successful open, also on cancel or failure:
//                 the one place for cleanup such as a final checkpoint.
// Exceptions thrown from these fail the run; the engine names the node and
// the item. Operators declared kParallel get concurrent process() calls;
// with one input, what they emit is still handed on in input order.
#pragma once

#include "engine/context.h"
#include "engine/contract.h"

namespace avflow {

class Operator {
 public:
  virtual ~Operator() = default;
  virtual void open(Context&) {}
  virtual void process(Context& ctx) = 0;
  virtual void finish(Context&) {}
  virtual void close(CloseReason) {}
};

}  // namespace avflow
