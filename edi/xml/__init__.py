"""XML syntax: cXML and OASIS UBL 2.x documents (and any other XML) as one Message each.

`edi.xml.reader.XmlReader` is the entry point the `edi` facade uses. Only this package may
import lxml; parsing is safe by construction (no entity expansion, no DTD loading, no network).
"""
