"""What a clip's C2PA manifest says: made by AI from one photo, how, and whether it passed review.

Nothing personal goes in: no caption, no name, no photo, no spoken words.
"""

from __future__ import annotations

from typing import Any

# IPTC digital source type: a real photo combined with algorithmically made motion.
SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"
ASSERTION = "org.keepsake.portrait"


def portrait_manifest(
    *,
    software: str,
    version: str,
    preset: str,
    self_check: str,
    speech: str,
    loop: bool,
    visible_label: bool,
    title: str = "Keepsake living portrait",
) -> dict[str, Any]:
    """The manifest definition c2pa-python's Builder takes."""
    return {
        "claim_generator_info": [{"name": software, "version": version}],
        "title": title,
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": SOURCE_TYPE,
                            "softwareAgent": {"name": f"{software} {version}"},
                            "description": "AI animation of one still photo (a 2D warp with "
                            "synthesised eyelids and mouth interior)",
                        }
                    ]
                },
            },
            {
                "label": ASSERTION,
                "data": {
                    "ai_generated": True,
                    "source": "one still photo",
                    "preset": preset,
                    "self_check": self_check,
                    "speech": speech,
                    "loop": loop,
                    "visible_label": visible_label,
                },
            },
        ],
    }
