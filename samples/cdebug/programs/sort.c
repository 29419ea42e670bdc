/* Sorting: an insertion sort through a comparison callback (a function pointer) and a recursive quicksort. */
#include <stdio.h>
#include <stdlib.h>

struct record { int key; short weight; char tag; };

static int compare(const void *a, const void *b) {
    const struct record *x = a, *y = b;
    return x->key - y->key; /* @compare */
}

static void sort_records(struct record *v, int n, int (*cmp)(const void *, const void *)) {
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && cmp(&v[j - 1], &v[j]) > 0; j--) {
            struct record t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

static void quicksort(int *v, int lo, int hi) {
    if (lo >= hi) return;
    int pivot = v[(lo + hi) / 2], i = lo, j = hi;
    while (i <= j) {
        while (v[i] < pivot) i++;
        while (v[j] > pivot) j--;
        if (i <= j) { int t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; } /* @swap */
    }
    quicksort(v, lo, j);
    quicksort(v, i, hi);
}

int main(void) {
    struct record records[4] = {{42, 3, 'a'}, {7, 1, 'b'}, {19, 2, 'c'}, {3, 9, 'd'}};
    int values[6] = {5, 3, 9, 1, 7, 2};
    sort_records(records, 4, compare);
    quicksort(values, 0, 5);
    printf("%d %d\n", records[0].key, values[5]); /* @sorted */
    return 0;
}
