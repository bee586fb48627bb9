namespace Research.Evaluation.Metrics;

/// <summary>
/// Eigendecomposition A = V diag(λ) Vᵀ of a real symmetric n×n matrix, as <see cref="SymmetricEigen"/> returns it.
/// </summary>
/// <param name="N">Matrix order n.</param>
/// <param name="Values">Eigenvalues λ in ascending order (length n).</param>
/// <param name="Vectors">
/// V, row-major n×n (element (i, j) at <c>i·n + j</c>); column j is the unit eigenvector of <c>Values[j]</c>
/// (the LAPACK / NumPy convention). Empty when only eigenvalues were requested.
/// </param>
public sealed record EigenDecomposition(int N, double[] Values, double[] Vectors);
