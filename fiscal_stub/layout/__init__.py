"""The layout file (版式文件): a PDF that shows the bill and carries its signed document."""
