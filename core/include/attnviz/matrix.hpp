// Dense float32 matrices, row-major like PyTorch tensors, so row i is token i.
#pragma once

#include <Eigen/Core>
#include <memory>
#include <string>

namespace attnviz {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// A row-major block of a Matrix: rows, columns and a row stride (middleRows, block, topRows …).
using MatrixRef = Eigen::Ref<Matrix, 0, Eigen::OuterStride<>>;
using ConstMatrixRef = Eigen::Ref<const Matrix, 0, Eigen::OuterStride<>>;

// How a weight matrix enters its product y = x·W: nn.Linear stores (out, in) and is used
// transposed; Hugging Face's Conv1D (GPT-2) stores (in, out) and is used as it is.
enum class Operand { AsIs, Transposed };

// A read-only matrix that owns its floats, or views floats someone else keeps alive: an F32
// tensor used where it lies in a mapped safetensors file, never copied. It reads like any Eigen
// matrix (rows(), row(i), (i, j), products …).
class Tensor : public Eigen::Map<const Matrix, 0, Eigen::OuterStride<>> {
  using Base = Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>;

 public:
  Tensor() : Base(nullptr, 0, 0, Eigen::OuterStride<>(0)) {}
  // Owns a copy of m (or m itself, moved).
  Tensor(Matrix m) : Tensor(std::make_shared<const Matrix>(std::move(m))) {}  // NOLINT: implicit
  template <typename Derived>
  Tensor(const Eigen::MatrixBase<Derived>& m) : Tensor(Matrix(m)) {}  // NOLINT: implicit
  Tensor(const Tensor& t) : Base(t), keep_(t.keep_) {}
  Tensor& operator=(const Tensor& t) {
    new (static_cast<Base*>(this)) Base(t);  // a Map is rebound by constructing it again
    keep_ = t.keep_;
    return *this;
  }

  // Owns the matrix `m` points to, shared with whoever fills it in later (a tensor converted from
  // a file as a run reaches it).
  static Tensor shared(std::shared_ptr<const Matrix> m) { return Tensor(std::move(m)); }
  // Views (rows, cols) floats with a row stride, which must outlive every copy of the view.
  static Tensor view(const float* data, Eigen::Index rows, Eigen::Index cols, Eigen::Index stride) {
    return Tensor(data, rows, cols, stride, nullptr);
  }
  // The block (rows, cols) at (row, col), viewed: no copy; it keeps what this one keeps.
  Tensor part(Eigen::Index row, Eigen::Index col, Eigen::Index rows, Eigen::Index cols) const {
    return Tensor(data() + row * outerStride() + col, rows, cols, outerStride(), keep_);
  }
  // True when the floats are this tensor's own (read from JSON, converted from F16, drawn at
  // random), false when it views a file.
  bool owned() const { return keep_ != nullptr || size() == 0; }

 private:
  explicit Tensor(std::shared_ptr<const Matrix> m)
      : Base(m->data(), m->rows(), m->cols(), Eigen::OuterStride<>(m->cols())),
        keep_(std::move(m)) {}
  Tensor(const float* data, Eigen::Index rows, Eigen::Index cols, Eigen::Index stride,
         std::shared_ptr<const void> keep)
      : Base(data, rows, cols, Eigen::OuterStride<>(stride)), keep_(std::move(keep)) {}

  std::shared_ptr<const void> keep_;
};

}  // namespace attnviz
