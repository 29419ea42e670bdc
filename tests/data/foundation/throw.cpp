// Host for the foundation tests: the callback throws a C++ exception that must cross every generated frame.
#include <cstdio>
#include <stdexcept>
#include <string>

extern "C" int jd_entry(int);

extern "C" int jd_callback(int value) {
    if (value > 0)
        throw std::runtime_error("thrown with " + std::to_string(value));
    return value;
}

int main() {
    try {
        std::printf("result %d\n", jd_entry(10));
    } catch (const std::runtime_error &error) {
        std::printf("caught %s\n", error.what());
        return 0;
    }
    return 1;
}
