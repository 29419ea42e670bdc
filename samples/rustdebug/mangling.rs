//! Functions of every shape the v0 symbol mangling encodes (tests/test_trap_backtrace_demangle_v0.py builds it
//! natively with `-C symbol-mangling-version=v0` and takes its symbols): const generics of each kind, `dyn`
//! traits with associated types, higher-ranked `for<'a>` function pointers, references and raw pointers, slices,
//! arrays, tuples, `unsafe extern "C"` functions, closures, shims, a non-ASCII (Punycode) name.
#![allow(dead_code)]
use std::fmt::Debug;
pub struct Wrap<T, const N: usize>(pub [T; N]);
pub struct Flag<const B: bool>;
pub struct Letter<const C: char>;
pub struct Neg<const I: i32>;
pub trait Shape { type Out; fn area(&self) -> Self::Out; }
impl<T: Copy + Debug, const N: usize> Wrap<T, N> {
    #[inline(never)] pub fn first(&self) -> T { self.0[0] }
}
impl<const B: bool> Flag<B> { #[inline(never)] pub fn get(&self) -> bool { B } }
impl<const C: char> Letter<C> { #[inline(never)] pub fn get(&self) -> char { C } }
impl<const I: i32> Neg<I> { #[inline(never)] pub fn get(&self) -> i32 { I } }
impl Shape for (u8, i64) { type Out = i64; fn area(&self) -> i64 { self.1 } }
#[inline(never)] pub fn takes_dyn(x: &dyn Shape<Out = i64>) -> i64 { x.area() }
#[inline(never)] pub fn takes_fn(f: for<'a> fn(&'a str) -> &'a str, s: &str) -> usize { f(s).len() }
#[inline(never)] pub fn generic_refs<'a, T: Debug>(x: &'a mut T, y: *const T, z: *mut u8, w: &[T]) -> &'a mut T { let _ = (y, z, w); x }
#[inline(never)] pub fn unsafe_c(f: unsafe extern "C" fn(i32) -> i32) -> usize { f as usize }
#[inline(never)] pub fn tuple1<T>(t: (T,)) -> (T,) { t }
#[inline(never)] pub fn größe(x: u32) -> u32 { x + 1 }
#[inline(never)] pub fn never() -> ! { panic!() }
pub fn closures() -> impl Fn(u8) -> u8 { let k = 3; move |x| { let inner = |y: u8| y + k; inner(x) } }
pub fn boxed() -> Box<dyn Fn(&u8) -> u8 + Send> { Box::new(|x: &u8| *x) }
pub struct Unit;
impl Drop for Unit { fn drop(&mut self) {} }
pub fn use_all() {
    let w = Wrap([1u16, 2, 3]); w.first();
    Flag::<true>.get(); Letter::<'x'>.get(); Letter::<'\n'>.get(); Letter::<'é'>.get(); Neg::<-5>.get(); Neg::<7>.get();
    takes_dyn(&(1u8, 2i64)); takes_fn(|s| s, "a"); let mut v = 1u8; let p = &v as *const u8; generic_refs(&mut v, p, std::ptr::null_mut(), &[1u8]);
    extern "C" fn cf(x: i32) -> i32 { x } unsafe_c(cf); tuple1((1u8,)); größe(1); closures()(1); boxed()(&1);
    let _u = Unit; let _ = std::panic::catch_unwind(|| never());
    let dynv: Vec<Box<dyn Debug>> = vec![Box::new(1u8)]; let _ = format!("{:?}", dynv);
}
