// What ddp_worker (one rank of the distributed tests) writes, shared with
// ddp_gloo_equality_test.cpp: a torch::save'd list of tensors, in this order.
#pragma once

namespace avflow::test::ddp {

// `ddp_worker train OUT STEPS`: rank 0 writes these after STEPS steps, to
// OUT.sgd and OUT.adam.
enum TrainOutput {
  kParameters,  // every parameter, flattened and concatenated
  kBuffers,     // every floating-point buffer (running statistics), likewise
  kLosses,      // [STEPS] the global loss of each step
  kGradNorms,   // [STEPS] the global gradient norm of each step
};

// `ddp_worker primitives OUT`: every rank writes these to OUT.<rank>.
enum PrimitivesOutput {
  kGatherInput,     // this rank's rows (its count differs from the other rank's)
  kGathered,        // all_gather_rows of them
  kGatherWeights,   // this rank's weights M_r: its loss is sum(gathered * M_r)
  kGatherGrad,      // the gradient of its rows
  kNormInput,       // this rank's part of the batch norm input
  kNormOutputGrad,  // dL/dy for its part
  kNormOutput,      // y = SyncBatchNorm3d(input)
  kNormInputGrad,   // dL/dx
  kNormWeight,      // the (shared) weight and bias it started from
  kNormBias,
  kNormWeightGrad,  // summed over ranks
  kNormBiasGrad,
  kRunningMean,     // after the step
  kRunningVar,
};

}  // namespace avflow::test::ddp
