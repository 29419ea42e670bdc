// C++ for source-level debugging: a class with a const method, references, a template instantiated twice.
struct Point {
    int x, y;
    int scaled(int k) const {
        int r = x * k + y; // @method
        return r;
    }
};

template <typename T> T twice(const T &value) {
    T out = value + value; // @template
    return out;
}

static int bump(int &counter, const Point &p) {
    counter += p.scaled(2); // @ref
    return counter;
}

extern "C" int run(int n) {
    Point p{3, 4};
    int counter = n;
    bump(counter, p);
    return twice(counter) + twice<long long>(n);
}
