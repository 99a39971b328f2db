# learning-rule plugins (see docs/writing-plugins.md)
