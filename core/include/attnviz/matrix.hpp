// Dense float32 matrices, row-major like PyTorch tensors, so row i is token i.
#pragma once

#include <Eigen/Core>
#include <memory>
#include <string>

namespace attnviz {

struct PackedRows;  // compute/quant.hpp

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
  Tensor(const Tensor& t)
      : Base(t), keep_(t.keep_), packed_(t.packed_), packed_first_(t.packed_first_) {}
  Tensor& operator=(const Tensor& t) {
    new (static_cast<Base*>(this)) Base(t);  // a Map is rebound by constructing it again
    keep_ = t.keep_;
    packed_ = t.packed_;
    packed_first_ = t.packed_first_;
    return *this;
  }

  // (rows, cols) values kept quantized as a file holds them, rows[0 …): no floats to read (data()
  // is null). matmul() and row_into() unpack them; part() takes whole rows of them.
  static Tensor packed(std::shared_ptr<const PackedRows> rows, Eigen::Index n_rows,
                       Eigen::Index cols) {
    Tensor t(nullptr, n_rows, cols, cols, nullptr);
    t.packed_ = std::move(rows);
    return t;
  }
  const PackedRows* packed() const { return packed_.get(); }
  Eigen::Index packed_first() const { return packed_first_; }  // this tensor's row 0 in packed()
  // Row i's cols() floats into out, unpacked if need be.
  void row_into(Eigen::Index i, float* out) const;

  // Owns the matrix `m` points to, shared with whoever fills it in later (a tensor converted from
  // a file as a run reaches it).
  static Tensor shared(std::shared_ptr<const Matrix> m) { return Tensor(std::move(m)); }
  // Views (rows, cols) floats with a row stride, which must outlive every copy of the view.
  static Tensor view(const float* data, Eigen::Index rows, Eigen::Index cols, Eigen::Index stride) {
    return Tensor(data, rows, cols, stride, nullptr);
  }
  // The block (rows, cols) at (row, col), viewed: no copy; it keeps what this one keeps.
  // A packed tensor's part is whole rows (col 0, every column).
  Tensor part(Eigen::Index row, Eigen::Index col, Eigen::Index rows, Eigen::Index cols) const;
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
  std::shared_ptr<const PackedRows> packed_;
  Eigen::Index packed_first_ = 0;
};

}  // namespace attnviz
