"""Typed errors whose messages a guest or staff member can act on.

The kiosk shows ``str(error)`` to people, so messages say what happened and
what to do, never how the code failed.
"""


class KeepsakeError(Exception):
    """Base of every error Keepsake raises on purpose."""


class ImageUnreadable(KeepsakeError):
    """The file is not an image we can read (corrupt, truncated, empty, wrong type)."""


class ImageTooLarge(ImageUnreadable):
    """The image has more pixels than the box can safely decode."""


class NoFaceFound(KeepsakeError):
    """No face could be found (or every face is too small to animate)."""


class AudioUnusable(KeepsakeError):
    """The sound file or recording cannot be used for speech."""


class DeviceUnavailable(KeepsakeError):
    """A camera, serial board, microphone or USB stick is not there or stopped answering."""


class StorageFull(KeepsakeError):
    """The disk filled up while saving; nothing half-written was kept."""


class OutputUnwritable(KeepsakeError):
    """The output path cannot be written (missing folder, no permission)."""


class ModelMissing(KeepsakeError):
    """A model file under models_int8/ is missing or does not match its manifest."""


class ConfigInvalid(KeepsakeError):
    """The configuration file has a value we cannot use."""
