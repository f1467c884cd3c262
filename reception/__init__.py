"""The reception console (前台工作台): staff log in and work the modules their roles allow.

Layout of the package:
    ``shell``     the top-level window and its controller (start-up, login, logout);
    ``views``     screens that only lay out widgets and emit signals;
    ``modules``   one file per console module, plugged in through ``registry``;
    ``roles``     role names and labels.
"""
