#include "libs/model/contrastive_loss.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <ATen/ATen.h>

namespace avflow::model {
namespace {

std::string shape_of(const at::Tensor& t) { return c10::str(t.sizes()); }

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument("contrastive_loss: " + what); }

void check_inputs(const at::Tensor& z_v, const at::Tensor& z_a, const ContrastiveLossOptions& options) {
  if (!z_v.defined() || !z_a.defined()) fail("z_v and z_a must be defined tensors");
  if (z_v.dim() != 2 || z_a.dim() != 2)
    fail("z_v and z_a must be 2-D [B, d], got z_v " + shape_of(z_v) + " and z_a " + shape_of(z_a));
  if (z_v.sizes() != z_a.sizes())
    fail("z_v and z_a must have the same shape, got z_v " + shape_of(z_v) + " and z_a " + shape_of(z_a));
  if (!at::isFloatingType(z_v.scalar_type()) || !at::isFloatingType(z_a.scalar_type()))
    fail(std::string("z_v and z_a must be floating point, got ") + at::toString(z_v.scalar_type()) + " and " +
         at::toString(z_a.scalar_type()));
  if (z_v.device() != z_a.device())
    fail("z_v and z_a must be on one device, got " + z_v.device().str() + " and " + z_a.device().str());
  if (z_v.size(0) < 2)
    fail("batch size B must be at least 2 (a positive needs negatives), got B = " + std::to_string(z_v.size(0)));
  if (!(options.tau > 0) || !std::isfinite(options.tau))
    fail("tau must be a finite number > 0, got " + std::to_string(options.tau));
  if (options.group < 0 || options.group == 1)
    fail("a loss group must hold 2 rows at least (0: the whole batch), got " + std::to_string(options.group));
  if (options.group > 0 && z_v.size(0) % options.group != 0)
    fail("a batch of B = " + std::to_string(z_v.size(0)) + " cannot be cut into loss groups of " +
         std::to_string(options.group) + " (B must be a multiple of the group)");
}

// [first, first + count) with count -1 resolved, checked against B.
AnchorRows resolve_rows(AnchorRows rows, int64_t B) {
  const std::string asked = "rows [first = " + std::to_string(rows.first) + ", count = " + std::to_string(rows.count) +
                            "] of a batch of B = " + std::to_string(B);
  if (rows.first < 0 || rows.first >= B) fail(asked + ": first must be in [0, B)");
  if (rows.count == -1) rows.count = B - rows.first;
  if (rows.count < 1) fail(asked + ": count must be >= 1 (or -1 for all rows from first)");
  if (rows.count > B - rows.first) fail(asked + ": first + count must be <= B");
  return rows;
}

}  // namespace

at::Tensor contrastive_loss(const at::Tensor& z_v, const at::Tensor& z_a, const ContrastiveLossOptions& options,
                            AnchorRows rows) {
  check_inputs(z_v, z_a, options);
  const int64_t B = z_v.size(0);
  rows = resolve_rows(rows, B);

  // At least float32: half and bfloat16 are upcast before any product.
  auto dtype = at::promote_types(z_v.scalar_type(), z_a.scalar_type());
  if (at::elementSize(dtype) < 4) dtype = at::kFloat;
  at::Tensor v = z_v.to(dtype);
  at::Tensor a = z_a.to(dtype);
  if (options.normalize) {
    v = v / v.norm(2, {1}, /*keepdim=*/true).clamp_min(1e-12);
    a = a / a.norm(2, {1}, /*keepdim=*/true).clamp_min(1e-12);
    v = v / options.tau;  // every score is z_v . z_a, so scaling one side scales all
  }

  const at::Tensor v_own = v.narrow(0, rows.first, rows.count);  // anchors' video rows
  const at::Tensor a_own = a.narrow(0, rows.first, rows.count);  // anchors' audio rows
  const at::Tensor row_terms = at::matmul(v_own, a.t());          // [n, B]: s_ij, j over the batch
  const at::Tensor col_terms = at::matmul(a_own, v.t());          // [n, B]: s_ji, j over the batch

  // The column term j = i is the positive itself, already among the row
  // terms: mask it out. Anchor k owns global index first + k.
  const auto index_opts = at::TensorOptions().dtype(at::kLong).device(v.device());
  const at::Tensor anchor_index = at::arange(rows.first, rows.first + rows.count, index_opts);
  const at::Tensor batch_index = at::arange(B, index_opts);
  const at::Tensor self = anchor_index.unsqueeze(1) == batch_index.unsqueeze(0);  // [n, B]
  constexpr double kMinusInfinity = -std::numeric_limits<double>::infinity();
  at::Tensor row_negatives = row_terms;
  at::Tensor col_negatives = col_terms.masked_fill(self, kMinusInfinity);
  if (options.group > 0 && options.group < B) {
    // Rows of other groups are no negatives of this anchor: one product over
    // the batch, masked, gives every group's Eq. 1 at once.
    const at::Tensor other_group =
        at::floor_divide(anchor_index, options.group).unsqueeze(1) != at::floor_divide(batch_index, options.group).unsqueeze(0);
    row_negatives = row_terms.masked_fill(other_group, kMinusInfinity);
    col_negatives = col_negatives.masked_fill(other_group, kMinusInfinity);
  }

  const at::Tensor log_denominator = at::logsumexp(at::cat({row_negatives, col_negatives}, 1), {1});  // [n]
  const at::Tensor positive = row_terms.gather(1, anchor_index.unsqueeze(1)).squeeze(1);           // [n]: s_ii
  return (log_denominator - positive).mean();
}

}  // namespace avflow::model
