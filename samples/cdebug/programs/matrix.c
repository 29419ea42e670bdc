/* PolyBench-style LU decomposition of a small matrix: two-dimensional arrays, nested loops, doubles. */
#include <stdio.h>

#define N 4
static double A[N][N];

static void init(int n) {
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            A[i][j] = (i == j) ? n + 1.0 : 1.0 / (i + j + 1); /* @init */
}

static void lu(int n) {
    for (int k = 0; k < n; k++) {
        for (int i = k + 1; i < n; i++) {
            double factor = A[i][k] / A[k][k];
            A[i][k] = factor; /* @factor */
            for (int j = k + 1; j < n; j++) A[i][j] -= factor * A[k][j];
        }
    }
}

int main(void) {
    init(N);
    lu(N);
    double trace = 0;
    for (int i = 0; i < N; i++) trace += A[i][i];
    printf("%.6f\n", trace); /* @trace */
    return 0;
}
