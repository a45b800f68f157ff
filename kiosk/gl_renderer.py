"""Which GL renderer the kiosk's window gets, and whether it draws on the CPU.

Kivy must be told before it opens its window whether to multisample it, and the
answer depends on the renderer: free on a GPU, while llvmpipe (software GL) then
keeps four samples of every pixel and resolves the whole window each frame, more
than half of a 1080p wall's frame. So the renderer is asked first, the way the
window will ask: GLX on $DISPLAY, through a 1x1 off-screen pbuffer (about 40 ms).
"""

from __future__ import annotations

import ctypes
import ctypes.util

# GL renderers that draw on the CPU.
SOFTWARE_GL = ("llvmpipe", "softpipe", "swrast", "software")

_GLX_DRAWABLE_TYPE, _GLX_PBUFFER_BIT = 0x8010, 0x0004
_GLX_RGBA_TYPE = 0x8014
_GLX_PBUFFER_WIDTH, _GLX_PBUFFER_HEIGHT = 0x8041, 0x8040
_GL_RENDERER = 0x1F01
_X_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


def is_software(renderer: str) -> bool:
    return any(name in renderer.lower() for name in SOFTWARE_GL)


def window_samples(msaa_samples: int, renderer: str | None) -> int:
    """Samples to ask Kivy for: ``msaa_samples`` ([kiosk]), none on software GL."""
    return 0 if renderer is not None and is_software(renderer) else msaa_samples


def x11_gl_renderer() -> str | None:
    """GL_RENDERER of a GLX context on $DISPLAY; None where there is no X display or
    GLX (SDL then opens its window some other way, and nothing is assumed)."""
    x11_name, gl_name = ctypes.util.find_library("X11"), ctypes.util.find_library("GL")
    if x11_name is None or gl_name is None:
        return None
    try:
        x11, gl = ctypes.CDLL(x11_name), ctypes.CDLL(gl_name)
    except OSError:
        return None
    _declare(x11, gl)
    display = x11.XOpenDisplay(None)
    if not display:
        return None
    # Xlib's default error handler ends the process: a refusal here must only mean "unknown".
    failed: list[int] = []

    def refused(_display: int, _event: int) -> int:
        failed.append(1)
        return 0

    handler = _X_ERROR_HANDLER(refused)
    previous = x11.XSetErrorHandler(ctypes.cast(handler, ctypes.c_void_p))
    try:
        renderer = _ask(x11, gl, display)
    finally:
        x11.XSync(display, 0)  # errors of ours arrive now, while our handler listens
        x11.XSetErrorHandler(previous)
        x11.XCloseDisplay(display)
    return None if failed else renderer


def _ask(x11: ctypes.CDLL, gl: ctypes.CDLL, display: int) -> str | None:
    count = ctypes.c_int(0)
    wanted = (ctypes.c_int * 3)(_GLX_DRAWABLE_TYPE, _GLX_PBUFFER_BIT, 0)
    configs = gl.glXChooseFBConfig(display, x11.XDefaultScreen(display), wanted, count)
    if not configs or count.value < 1:
        return None
    try:
        context = gl.glXCreateNewContext(display, configs[0], _GLX_RGBA_TYPE, None, 1)
        if not context:
            return None
        size = (ctypes.c_int * 5)(_GLX_PBUFFER_WIDTH, 1, _GLX_PBUFFER_HEIGHT, 1, 0)
        pbuffer = gl.glXCreatePbuffer(display, configs[0], size)
        try:
            if not pbuffer or not gl.glXMakeContextCurrent(display, pbuffer, pbuffer, context):
                return None
            renderer = gl.glGetString(_GL_RENDERER)
            gl.glXMakeContextCurrent(display, 0, 0, None)
        finally:
            if pbuffer:
                gl.glXDestroyPbuffer(display, pbuffer)
            gl.glXDestroyContext(display, context)
    finally:
        x11.XFree(configs)
    return bytes(renderer).decode(errors="replace") if renderer else None


def _declare(x11: ctypes.CDLL, gl: ctypes.CDLL) -> None:
    pointer = ctypes.c_void_p
    x11.XOpenDisplay.restype, x11.XOpenDisplay.argtypes = pointer, [ctypes.c_char_p]
    x11.XDefaultScreen.argtypes = [pointer]
    x11.XCloseDisplay.argtypes = [pointer]
    x11.XFree.argtypes = [pointer]
    x11.XSync.argtypes = [pointer, ctypes.c_int]
    x11.XSetErrorHandler.restype, x11.XSetErrorHandler.argtypes = pointer, [pointer]
    gl.glXChooseFBConfig.restype = ctypes.POINTER(pointer)
    gl.glXChooseFBConfig.argtypes = [
        pointer,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.c_int),
    ]
    gl.glXCreateNewContext.restype = pointer
    gl.glXCreateNewContext.argtypes = [pointer, pointer, ctypes.c_int, pointer, ctypes.c_int]
    gl.glXCreatePbuffer.restype = ctypes.c_ulong
    gl.glXCreatePbuffer.argtypes = [pointer, pointer, ctypes.POINTER(ctypes.c_int)]
    gl.glXMakeContextCurrent.argtypes = [pointer, ctypes.c_ulong, ctypes.c_ulong, pointer]
    gl.glXDestroyPbuffer.argtypes = [pointer, ctypes.c_ulong]
    gl.glXDestroyContext.argtypes = [pointer, pointer]
    gl.glGetString.restype, gl.glGetString.argtypes = ctypes.c_char_p, [ctypes.c_uint]
