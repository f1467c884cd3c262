// The kiosk's on-screen keyboard: Qt Virtual Keyboard's own InputPanel, shown inside the kiosk
// window by kiosk/keyboard.py (a QQuickWidget docked under the screens). Sizes come from the
// kiosk's design tokens through the properties below, set from Python.
import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

Rectangle {
    id: root

    // The default style draws everything at scaleHint × its design sizes (key letters 60,
    // candidates 44, the candidate bar 85): the scale is chosen for the mode's smallest text
    // and touch target, and the design size follows from the width and height wanted.
    property real scaleHint: 0.6
    // Height of the four rows of keys, in px (the candidate bar comes on top).
    property real keysHeight: 340
    // Widest the panel gets (keys wider than this help nobody on a landscape screen).
    property real maxWidth: 1080
    // Where the Pinyin engine keeps its user dictionary (unused for sensitive fields).
    property string userDataPath: ""
    // The style object whose locale indicator is kept from fading (see restyle).
    property var guardedStyle: null
    readonly property Item panel: inputPanel
    readonly property real panelHeight: inputPanel.implicitHeight
    // What tests and the screens read: the candidate bar, the pinyin being typed, and
    // whether the style's fade of the language name (which restyle undoes) is still to come.
    readonly property Item candidateBar: inputPanel.keyboard.wordCandidateView
    readonly property string composing: InputContext.preeditText
    readonly property bool localeIndicatorPending: inputPanel.keyboard.style
        ? inputPanel.keyboard.style.inputLocaleIndicatorHighlightTimer.running : false

    color: "#263238"

    InputPanel {
        id: inputPanel
        objectName: "inputPanel"
        width: Math.min(root.width, root.maxWidth)
        anchors.horizontalCenter: root.horizontalCenter
        anchors.bottom: root.bottom
    }

    // For --selftest: the Pinyin engine's plugin loads and opens its dictionary.
    function pinyinLoads() {
        const method = Qt.createQmlObject(
            "import QtQuick.VirtualKeyboard.Plugins; PinyinInputMethod {}", root, "selftest")
        const ok = method !== null
        if (method)
            method.destroy()
        return ok
    }

    function restyle() {
        const style = inputPanel.keyboard.style
        if (!style)
            return
        keepLocaleIndicator(style)
        if (inputPanel.width <= 0)
            return
        style.keyboardDesignWidth = inputPanel.width / scaleHint
        style.keyboardDesignHeight = keysHeight / scaleHint
        // Function keys: white on this grey is 9:1 (the default's is 7.1:1, too close to the
        // elder mode's 7:1).
        style.primaryLightColor = "#37474f"
    }

    // The space bar names the language (简体中文) and the style fades it to half a second after
    // each locale change: keep it readable. The fade is undone as it is set, before the text's
    // animation towards it starts, so this must run as soon as the style exists (not once the
    // panel has a width: by then the fade may have been painted and left half-way).
    function keepLocaleIndicator(style) {
        if (guardedStyle !== style) {
            guardedStyle = style
            style.inputLocaleIndicatorOpacityChanged.connect(() => {
                if (style.inputLocaleIndicatorOpacity < 1.0)
                    style.inputLocaleIndicatorOpacity = 1.0
            })
        }
        style.inputLocaleIndicatorOpacity = 1.0
    }

    Connections {
        target: inputPanel.keyboard
        function onStyleChanged() { root.restyle() }
    }
    onScaleHintChanged: restyle()
    onKeysHeightChanged: restyle()
    Connections {
        target: inputPanel
        function onWidthChanged() { root.restyle() }
    }

    Component.onCompleted: {
        if (userDataPath)
            VirtualKeyboardSettings.userDataPath = userDataPath
        // Simplified Chinese only: its layout types pinyin (and letters: 回车 keeps what was
        // typed as letters), so no language key to lose oneself in.
        VirtualKeyboardSettings.activeLocales = ["zh_CN"]
        VirtualKeyboardSettings.locale = "zh_CN"
        VirtualKeyboardSettings.visibleFunctionKeys = QtVirtualKeyboard.KeyboardFunctionKeys.Hide
        // The candidate bar stays in place: the keys do not jump as candidates come and go.
        VirtualKeyboardSettings.wordCandidateList.alwaysVisible = true
        VirtualKeyboardSettings.handwritingModeDisabled = true
        // Candidates appear where they stay (no sliding in): a touch lands on what is seen.
        inputPanel.keyboard.noAnimations = true
        restyle()
    }
}
